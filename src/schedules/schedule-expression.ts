import { Cron } from 'croner';
import { invalid } from '../errors/sinew-error.js';

/** A parsed schedule expression: the UTC instants it fires at. */
export interface ScheduleExpression {
  readonly text: string;
  /** The first tick strictly after `afterMs` (epoch ms), or null if it never fires again. */
  nextAfter(afterMs: number): number | null;
}

const AWS_WRAPPER = /^cron\((.*)\)$/s;

/**
 * Parses `cron(m h dom mon dow)` (the AWS-style wrapper hotglue uses), the AWS 6-field form
 * `cron(m h dom mon dow year)`, or a plain 5-field cron. Always UTC; minute precision (no seconds:
 * a tick per second would be a load test, not a sync schedule). Bad input is a 400 that says why.
 */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const trimmed = text.trim();
  const wrapped = AWS_WRAPPER.exec(trimmed);
  const body = (wrapped ? wrapped[1]! : trimmed).trim();
  const fields = body.split(/\s+/).filter((f) => f !== '');
  const hint = 'use cron(0 0 * * *) or a plain 5-field cron "minute hour day-of-month month day-of-week" (UTC)';
  let cron: Cron;
  try {
    if (fields.length === 5) {
      cron = new Cron(fields.join(' '), { timezone: 'UTC', mode: '5-part', paused: true });
    } else if (wrapped && fields.length === 6) {
      // AWS: the 6th field is the year and day-of-week counts 1-7 from Sunday (Quartz numbering).
      cron = new Cron(`0 ${fields.join(' ')}`, { timezone: 'UTC', mode: '7-part', paused: true, alternativeWeekdays: true });
    } else {
      throw invalid(`schedule_expression must have 5 fields (${fields.length} given): ${hint}`, { schedule_expression: text });
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'SinewError') throw e;
    throw invalid(`schedule_expression is not a valid cron: ${(e as Error).message}`, { schedule_expression: text, hint });
  }
  const expression: ScheduleExpression = {
    text,
    nextAfter: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime() ?? null,
  };
  if (expression.nextAfter(Date.now()) === null) {
    throw invalid('schedule_expression never fires (no such date ahead)', { schedule_expression: text });
  }
  return expression;
}
