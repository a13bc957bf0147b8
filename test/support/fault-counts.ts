import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canTransition } from '../../src/jobs/job-transitions.js';
import { isJobStatus, isTerminal } from '../../src/model/job-phases.js';
import type { Received, Receiver } from '../events/test-receiver.js';
import type { Deployment, LifecycleEvent } from './deployment.js';
import { until } from './until.js';

/**
 * The counts a fault test reports (issue #11): the faults it injected, and what must stay zero —
 * jobs left unfinished, two runs of one job writing at once, a job's status going back, webhook
 * events lost, sent twice or out of order. `reportFaultCounts` prints one `fault count:` line per
 * count (a count a test does not measure is left out), so a run of the suite sums them with
 * `grep 'fault count:'`, then asserts the zeros. `reportFaultRun` measures them on a deployment.
 */
interface FaultCounts {
  /** By kind: SIGKILL, SIGSTOP, SIGTERM, backends terminated, connections reset… */
  injected: Record<string, number>;
  jobsStuck: number;
  concurrentRuns?: number;
  stateRegressions: number;
  eventsLost?: number;
  eventsDuplicated?: number;
  eventsOutOfOrder?: number;
  /** Repeats of events a killed process had sent (or was sending) but not recorded: at-least-once by design. */
  eventsResentAfterKill?: number;
}

const MUST_BE_ZERO = ['jobsStuck', 'concurrentRuns', 'stateRegressions', 'eventsLost', 'eventsDuplicated', 'eventsOutOfOrder'] as const;

function reportFaultCounts(t: TestContext, counts: FaultCounts, details: string[]): void {
  for (const [kind, n] of Object.entries(counts.injected)) t.diagnostic(`fault count: injected ${kind} ${n}`);
  for (const name of MUST_BE_ZERO) if (counts[name] !== undefined) t.diagnostic(`fault count: ${name} ${counts[name]}`);
  if (counts.eventsResentAfterKill !== undefined) t.diagnostic(`fault count: eventsResentAfterKill ${counts.eventsResentAfterKill}`);
  const nonZero = MUST_BE_ZERO.filter((name) => (counts[name] ?? 0) > 0);
  assert.deepEqual(nonZero, [], details.join('\n'));
}

/**
 * A job's status changes that go back (issue #11 "state regressions"): each event of a job must be a
 * move the transition table allows from the one before (a re-queue to JOB_CREATED is one), and
 * nothing may follow a terminal status.
 */
function statusRegressions(events: LifecycleEvent[]): string[] {
  const last = new Map<string, string>();
  const out: string[] = [];
  for (const e of events) {
    const before = last.get(e.job_id);
    last.set(e.job_id, e.status);
    if (before === undefined) continue;
    const allowed = isJobStatus(before) && isJobStatus(e.status) && !isTerminal(before) && canTransition(before, e.status);
    if (!allowed) out.push(`job ${e.job_id}: ${before} -> ${e.status}`);
  }
  return out;
}

/**
 * Webhook deliveries of the job lifecycle events against the outbox: per event id, lost (never
 * received) or duplicated (received more than once; repeats of `resendable` ids, which a killed
 * process had claimed and not recorded as sent, count apart as resent); per job, out of order (the
 * distinct ids received in another order than the events were stored).
 */
interface DeliveryFaults {
  lost: number;
  duplicated: number;
  resent: number;
  outOfOrder: number;
  details: string[];
}

function deliveryFaults(stored: LifecycleEvent[], received: Received[], resendable: ReadonlySet<string>): DeliveryFaults {
  const ids = received.map((r) => String(r.headers['x-sinew-event-id']));
  const got = new Set(ids);
  const lost = stored.filter((e) => !got.has(e.event_id));
  const times = new Map<string, number[]>();
  for (const r of received) {
    const id = String(r.headers['x-sinew-event-id']);
    times.set(id, [...(times.get(id) ?? []), r.at]);
  }
  const repeated = [...times].filter(([, at]) => at.length > 1);
  const repeats = (which: (id: string) => boolean): number =>
    repeated.filter(([id]) => which(id)).reduce((n, [, at]) => n + at.length - 1, 0);
  const resent = repeats((id) => resendable.has(id));
  const duplicated = repeats((id) => !resendable.has(id));
  const details = [
    ...lost.map((e) => `lost: job ${e.job_id} ${e.status} (${e.event_id})`),
    ...repeated.map(
      ([id, at]) => `received ${at.length} times${resendable.has(id) ? ' (resent after a kill)' : ''}: ${id} at ${at.join(', ')}`,
    ),
  ];
  let outOfOrder = 0;
  for (const jobId of new Set(stored.map((e) => e.job_id))) {
    const mine = new Set(stored.filter((e) => e.job_id === jobId).map((e) => e.event_id));
    const expected = stored.filter((e) => mine.has(e.event_id) && got.has(e.event_id)).map((e) => e.event_id);
    const arrived = [...new Set(ids.filter((id) => mine.has(id)))];
    if (JSON.stringify(arrived) !== JSON.stringify(expected)) {
      outOfOrder++;
      details.push(`out of order: job ${jobId}`);
    }
  }
  return { lost: lost.length, duplicated, resent, outOfOrder, details };
}

/** A Singer target that appends `<ms> <pid> <stream> <id> <config path>` per record (test/fixtures/faults/target-run-log.mjs). */
export const RUN_LOG_TARGET = fileURLToPath(new URL('../fixtures/faults/target-run-log.mjs', import.meta.url));

export interface RunWrite {
  at: number;
  pid: number;
  /** The target's config file (in a folder of the run's own, named after its job). */
  job: string;
}

export async function runWrites(file: string): Promise<RunWrite[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, pid, , , job] = line.split(' ');
      return { at: Number(at), pid: Number(pid), job: job ?? '' };
    });
}

/**
 * Pairs of runs of `jobIds` whose first-to-last write intervals overlap: two runs of one job writing
 * at once. A run is one target process; runs of different jobs may overlap. A write is told to a job
 * by the job id in its config file's path (each run has a folder of its own, named after the job);
 * writes of other jobs (an earlier test's, in a shared log) are passed over.
 */
function overlappingRuns(writes: RunWrite[], jobIds: readonly string[]): string[] {
  const spans = new Map<number, { job: string; from: number; to: number }>();
  const attributed = writes.flatMap((w) => {
    const job = jobIds.find((id) => w.job.includes(id));
    return job === undefined ? [] : [{ ...w, job }];
  });
  // Not one write told to a job: the folders are named otherwise, and nothing would be counted.
  if (writes.length > 0 && attributed.length === 0) throw new Error(`no write names a job of this test: ${JSON.stringify(writes[0])}`);
  for (const { job, ...w } of attributed) {
    const s = spans.get(w.pid);
    if (!s) spans.set(w.pid, { job, from: w.at, to: w.at });
    else s.to = Math.max(s.to, w.at);
  }
  const all = [...spans.entries()];
  const out: string[] = [];
  for (const [pa, a] of all)
    for (const [pb, b] of all)
      if (pa < pb && a.job === b.job && a.from <= b.to && b.from <= a.to)
        out.push(`${a.job}: run ${pa} [${a.from}, ${a.to}] and ${pb} [${b.from}, ${b.to}]`);
  return out;
}

/** The settings that send an environment's lifecycle webhooks to `rx` (under `/jobs`); the processes need SINEW_WEBHOOK_ALLOW_LOOPBACK. */
export const lifecycleWebhooksTo = (rx: Receiver) => ({ monitoring: { webhooks: { job_lifecycle: { url: `${rx.url}/jobs` } } } });

/**
 * Waits (up to `timeoutMs`) until every lifecycle event of `jobIds` in the outbox has reached `rx`,
 * then counts the delivery faults; what has not come by then counts as lost.
 */
async function settledDeliveries(
  d: Deployment,
  rx: Receiver,
  jobIds: readonly string[],
  resendable: ReadonlySet<string>,
  timeoutMs = 60_000,
): Promise<DeliveryFaults> {
  const jobs = new Set(jobIds);
  const stored = (await d.events()).filter((e) => jobs.has(e.job_id));
  const received = (): Received[] => rx.received.filter((r) => r.path === '/jobs' && jobs.has(r.body?.job_id));
  await until('every lifecycle event delivered', timeoutMs, async () => {
    const got = new Set(received().map((r) => String(r.headers['x-sinew-event-id'])));
    return stored.every((e) => got.has(e.event_id));
  }).catch(() => undefined);
  return deliveryFaults(stored, received(), resendable);
}

export interface FaultRun {
  d: Deployment;
  /** The jobs whose ends, writes and events count. */
  jobIds: readonly string[];
  injected: Record<string, number>;
  /** Receives the environment's lifecycle webhooks (lifecycleWebhooksTo); absent: deliveries not counted. */
  rx?: Receiver;
  /** What the run-log target wrote (RUN_LOG_TARGET); absent: concurrent runs not counted. */
  writeLogs?: readonly string[];
  /** More to say when a job is stuck (the processes' logs). */
  whenStuck?: () => string[];
  /** Events whose delivery a killed process had claimed and not recorded (deliveriesClaimedBy): it is sent again. */
  resendable?: ReadonlySet<string>;
}

/**
 * The events whose delivery the (killed) process `pid` had claimed and not recorded: a send it made
 * or was making is made again once the claim expires — delivery is at least once, and receivers
 * de-duplicate by X-Sinew-Event-Id (docs/architecture.md, Event delivery).
 */
export async function deliveriesClaimedBy(d: Deployment, pid: number): Promise<Set<string>> {
  const rows = await d.query<{ event_id: string }>(
    "select event_id from event_deliveries where claimed_by like $1 and status = 'pending'",
    [`${pid}:%`],
  );
  return new Set(rows.map((r) => r.event_id));
}

/**
 * The counts of a fault run, once its jobs should have ended (waiting for their webhooks, if
 * counted): printed one line each, and the zeros asserted, before the test's own checks so that a
 * failing run still reports them.
 */
export async function reportFaultRun(t: TestContext, run: FaultRun): Promise<void> {
  const jobs = new Set(run.jobIds);
  const stuck = (await run.d.jobs()).filter((j) => jobs.has(j.job_id) && !isTerminal(j.status));
  const regressions = statusRegressions((await run.d.events()).filter((e) => jobs.has(e.job_id)));
  const overlaps = run.writeLogs && overlappingRuns((await Promise.all(run.writeLogs.map(runWrites))).flat(), run.jobIds);
  const delivery = run.rx && (await settledDeliveries(run.d, run.rx, run.jobIds, run.resendable ?? new Set()));
  reportFaultCounts(
    t,
    {
      injected: run.injected,
      jobsStuck: stuck.length,
      stateRegressions: regressions.length,
      ...(overlaps ? { concurrentRuns: overlaps.length } : {}),
      ...(delivery ? { eventsLost: delivery.lost, eventsDuplicated: delivery.duplicated, eventsOutOfOrder: delivery.outOfOrder } : {}),
      ...(delivery && run.resendable ? { eventsResentAfterKill: delivery.resent } : {}),
    },
    [
      ...stuck.map((j) => `stuck: ${JSON.stringify(j)}`),
      ...(overlaps ?? []),
      ...regressions,
      ...(delivery?.details ?? []),
      ...(stuck.length > 0 && run.whenStuck ? run.whenStuck() : []),
    ],
  );
}
