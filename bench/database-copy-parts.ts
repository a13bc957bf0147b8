import { fileURLToPath } from 'node:url';
import type { Measured } from './database-copy-report.js';
import { median } from './median.js';
import { runTimedShell, shellWord as sh } from './timed-process.js';

/**
 * The halves of a database copy, each timed alone against files: Sinew's built-in tap writing its
 * Singer messages to a file (`sinew singer tap … > file`) and its built-in target reading them
 * back (`sinew singer target … < file`), beside the same halves of the tools they are compared
 * with. A job cannot be faster than the slower of its tap and its target, so these say which part
 * of a ratio the connectors themselves set and which part the job around them adds.
 */

const SINEW = fileURLToPath(new URL('../bin/sinew.js', import.meta.url));

/** `sinew singer tap|target <id> --config <file>`, allowed to reach the loopback databases. */
export function singerCli(role: 'tap' | 'target', id: string, configFile: string): string {
  return `SINEW_OUTBOUND_ALLOW_LOOPBACK=true ${sh(process.execPath)} ${sh(SINEW)} singer ${role} ${id} --config ${sh(configFile)}`;
}

/** Runs `script` `repeat` times (after `before`, checked by `check`) as one measured row. */
export async function timedPart(
  name: string,
  rows: number,
  repeat: number,
  script: string,
  opts: { cwd: string; timeoutMs: number; before?: () => Promise<void>; check?: () => Promise<void>; note?: string },
): Promise<Measured> {
  const m: Measured = { name, seconds: [], rows, ...(opts.note ? { note: opts.note } : {}) };
  for (let i = 0; i < repeat; i++) {
    await opts.before?.();
    m.seconds.push((await runTimedShell(script, { cwd: opts.cwd, timeoutMs: opts.timeoutMs })).seconds);
    await opts.check?.();
  }
  return m;
}

/** `<part>: r× the throughput of <baseline part>` (no target: these explain, they are not goals). */
export function partLine(of: Measured, baseline: Measured): string {
  const r = median(baseline.seconds) / median(of.seconds);
  return `${of.name}: ${r.toFixed(2)}× the throughput of ${baseline.name}`;
}

/** A job against the sum of its tap's and its target's times alone (as job-throughput.ts compares). */
export function againstParts(job: Measured, tap: Measured, target: Measured): string {
  const parts = median(tap.seconds) + median(target.seconds);
  return `${job.name}: ${(median(job.seconds) / parts).toFixed(2)}× the time of ${tap.name} + ${target.name} (${parts.toFixed(2)} s)`;
}
