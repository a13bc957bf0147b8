import type { ScheduleExpression } from './schedule-expression.js';

const MINUTE = 60_000;
/** Consecutive ticks looked at from each starting point. */
const TICKS_PER_SAMPLE = 200;

/**
 * Whether any two consecutive ticks of the expression come closer than `minMinutes`. A cron's gaps
 * repeat daily (minute and hour fields) but which days fire varies by month (day fields, AWS year
 * field), so ticks are sampled from now and from the start of each of the next twelve months. A
 * sample stops at the first gap that is too short, so the cost is bounded whatever the expression.
 */
export function firesMoreOftenThan(expression: ScheduleExpression, minMinutes: number, nowMs = Date.now()): boolean {
  const now = new Date(nowMs);
  const starts = [nowMs];
  for (let m = 1; m <= 12; m++) starts.push(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + m, 1) - MINUTE);
  for (const start of starts) {
    let previous = expression.nextAfter(start);
    for (let i = 0; previous !== null && i < TICKS_PER_SAMPLE; i++) {
      const next = expression.nextAfter(previous);
      if (next === null) break;
      if (next - previous < minMinutes * MINUTE) return true;
      previous = next;
    }
  }
  return false;
}
