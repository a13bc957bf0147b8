import { invalid } from '../../errors/sinew-error.js';
import { JOB_STATUSES, type JobStatus } from '../../model/job.js';

/** `?status=A,B`: job statuses, each checked (a 400 names the unknown ones). */
export function parseJobStatuses(text: string): JobStatus[] {
  const list = text.split(',').map((s) => s.trim());
  const bad = list.filter((s) => !(JOB_STATUSES as readonly string[]).includes(s));
  if (bad.length > 0) throw invalid(`unknown job status: ${bad.join(', ')}`, { allowed: JOB_STATUSES });
  return list as JobStatus[];
}
