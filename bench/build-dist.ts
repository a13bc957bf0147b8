import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `npm run build` (incremental tsc), so the server and its job processes run fresh compiled code.
 * A failed build with an existing dist/ only warns: other work in progress may not typecheck, and
 * tsc still emits.
 */
export function buildDist(skip: boolean): void {
  if (skip) return;
  const started = Date.now();
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ok = result.status === 0;
  const hasDist = existsSync(`${ROOT}dist/cli/main.js`);
  if (!ok && !hasDist) throw new Error(`npm run build failed and there is no dist/: ${result.stdout}${result.stderr}`);
  if (!ok)
    process.stderr.write(
      `bench: warning: npm run build reported errors (dist/ used anyway):\n${(result.stdout + result.stderr).slice(0, 2000)}\n`,
    );
  process.stdout.write(`# dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
