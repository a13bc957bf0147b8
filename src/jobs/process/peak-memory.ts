import { readFileSync } from 'node:fs';

/**
 * This process's peak resident memory in MiB: the kernel's high-water mark (VmHWM) on Linux, which
 * catches peaks between samples; elsewhere the current RSS.
 */
export function peakMemoryMiB(): number {
  let bytes = process.memoryUsage().rss;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) bytes = Math.max(bytes, Number(match[1]) * 1024);
  } catch {
    /* not Linux */
  }
  return Math.round((bytes / 1048576) * 100) / 100;
}
