import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on every Linux we target). */
const TICKS_PER_SECOND = 100;

export interface CpuSeconds {
  /** user + system time of the process itself */
  own: number;
  /** user + system time of its children that have exited and been waited for (and theirs, recursively) */
  children: number;
}

/**
 * CPU time from /proc/<pid>/stat. Wall time on a shared machine moves with whatever else runs;
 * CPU time does not, so the benchmarks print both. Linux only: elsewhere it returns NaN.
 */
export function cpuSeconds(pid: number | 'self' = 'self'): CpuSeconds {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) " — comm may contain spaces, so cut at the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (i: number): number => Number(f[i]);
    // utime, stime, cutime, cstime are fields 14-17 of the line, i.e. 11-14 after the cut.
    return { own: (ticks(11) + ticks(12)) / TICKS_PER_SECOND, children: (ticks(13) + ticks(14)) / TICKS_PER_SECOND };
  } catch {
    return { own: Number.NaN, children: Number.NaN };
  }
}

/** Whether a process still has live (or unreaped) children. */
export function hasChildren(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}
