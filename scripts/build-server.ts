import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/bundle/, which `bin/sinew.js`
 * runs. Why: Node's ESM loader pays for every file it loads (find, read, compile, link), and a
 * server start-up loaded ~740 of them — Sinew's ~380 compiled modules, Kysely's ~260, jose's ~50 —
 * ~0.45 s of a 1.2 s start (issue #19: `npm start` → /health under 1 s). Code splitting keeps each
 * command's lazy imports (the S3 adapter, the PostgreSQL store, the database drivers) lazy.
 * Bundled too are the dependencies made of many ES modules; the rest stay in node_modules (native
 * code, CommonJS packages that load their own files, the SDKs only some servers use).
 * The bundle sits two folders below the package root, like every compiled module that finds
 * package files relative to itself (src/runtime/package-file.ts, self-command.ts, web-bundles.ts).
 * Job processes, ETL runners and built-in taps still start from dist/ (tsc's output).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_BUNDLE_DIR = path.join(ROOT, 'dist', 'bundle');
const BUNDLED_DEPENDENCIES = new Set(['kysely', 'jose', 'lossless-json', 'csv-parse', 'csv-stringify', 'croner']);

export async function buildServerBundle(): Promise<void> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const external = Object.keys(pkg.dependencies)
    .filter((d) => !BUNDLED_DEPENDENCIES.has(d))
    .flatMap((d) => [d, `${d}/*`]);
  const result = await build({
    entryPoints: [path.join(ROOT, 'dist', 'cli', 'main.js')],
    outdir: SERVER_BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    logLevel: 'silent',
    write: false,
  });
  // A warning here is a bundled module that would break at run time (e.g. a dynamic require).
  if (result.warnings.length > 0) throw new Error(`server bundle: ${result.warnings.map((w) => w.text).join('; ')}`);
  // Test files rebuild while other tests' servers start from the bundle: a file is replaced only
  // when its bytes changed, and then by a rename, so no process ever reads half of one.
  await mkdir(SERVER_BUNDLE_DIR, { recursive: true });
  const built = new Set<string>();
  for (const file of result.outputFiles) {
    built.add(path.basename(file.path));
    const old = await readFile(file.path).catch(() => undefined);
    if (old?.equals(file.contents)) continue;
    const temp = `${file.path}.${process.pid}.tmp`;
    await writeFile(temp, file.contents);
    await rename(temp, file.path);
  }
  // Chunks are named by their content: those of an earlier build are left over (a build running
  // beside this one may be writing its `.tmp` files).
  for (const name of await readdir(SERVER_BUNDLE_DIR))
    if (!built.has(name) && !name.endsWith('.tmp')) await rm(path.join(SERVER_BUNDLE_DIR, name), { force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildServerBundle();
