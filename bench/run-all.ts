/**
 * `npm run bench`: builds dist/ once, then runs the three benchmarks one after the other, each in
 * its own process (a failure in one does not hide the others' figures), and exits non-zero if any
 * failed. Missing a performance target is reported in the tables, not as a failure.
 * Usage: node --import tsx bench/run-all.ts [--repeat K (throughput rounds, default 3)] [--quick]
 *   --quick: 200,000 records, 1 round, sizes 200k/1M, 3 start-ups — a smoke run of about a minute.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDist } from './build-dist.js';
import { onCleanup, runMain } from './exit-cleanup.js';
import { REPO_ROOT } from './sinew-server.js';

function runScript(script: string, args: string[]): Promise<number> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  process.stdout.write(`\n=== ${script} ${args.join(' ')}\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: REPO_ROOT, stdio: 'inherit' });
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  // Interrupted: SIGTERM lets the script run its own clean-up (stop its Sinew server, remove its temp dirs).
  const unregister = onCleanup(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  return exited.finally(unregister);
}

runMain(async () => {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const repeatAt = argv.indexOf('--repeat');
  const repeat = repeatAt === -1 ? (quick ? '1' : '3') : argv[repeatAt + 1]!;
  const started = Date.now();
  buildDist(false);
  const runs: [string, string[]][] = [
    ['job-throughput.ts', ['--no-build', '--repeat', repeat, ...(quick ? ['--records', '200000'] : [])]],
    ['memory-flatness.ts', ['--no-build', ...(quick ? ['--sizes', '200000,1000000'] : [])]],
    ['startup.ts', ['--no-build', '--repeat', quick ? '3' : '5']],
    ['webhook-throughput.ts', quick ? ['--events', '5000', '--latency-events', '1000'] : []],
    ['schedules-lateness.ts', ['--no-build', ...(quick ? ['--schedules', '2000'] : [])]],
    ['snapshot-merge.ts', quick ? ['--records', '200000'] : []],
    ['write-throughput.ts', ['--no-build', ...(quick ? ['--records', '20000', '--single-records', '5000', '--repeat', '1'] : [])]],
    ['realtime-latency.ts', ['--no-build', ...(quick ? ['--calls', '500'] : [])]],
    ['worker-scaling.ts', ['--no-build', ...(quick ? ['--jobs', '30', '--repeat', '1', '--one-by-one', '8', '--queue-items', '50'] : [])]],
  ];
  const failed: string[] = [];
  for (const [script, args] of runs) if ((await runScript(script, args)) !== 0) failed.push(script);
  process.stdout.write(
    `\n# all benchmarks done in ${((Date.now() - started) / 60000).toFixed(1)} min${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}\n`,
  );
  if (failed.length) process.exitCode = 1;
});
