import { after, before, describe, test } from 'node:test';
import { buildDist } from '../../bench/build-dist.js';
import { isTerminal, type JobStatus } from '../../src/model/job.js';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { type Deployment, startDeployment } from '../support/deployment.js';
import { lifecycleWebhooksTo, reportFaultRun } from '../support/fault-counts.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();

/**
 * Every worker process also delivers the event outbox. With several of them, one job's events
 * are fanned out by different processes; each destination must still get them in the order they
 * happened, once per event id.
 */
describe("one job's webhooks with several workers delivering", { skip, concurrency: false }, () => {
  let rx: Receiver;
  before(async () => {
    buildDist(false);
    rx = await startReceiver();
  });
  after(async () => rx.close());

  test("each job's lifecycle events reach the webhook in order and once per id", async (t) => {
    const d: Deployment = await startDeployment({
      env: { SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true', SINEW_EVENT_POLL_MS: '50', SINEW_WORKER_CONCURRENCY: '4' },
    });
    try {
      await d.start('api');
      await Promise.all([d.start('worker'), d.start('worker'), d.start('worker')]);
      await d.api('PUT', `/${d.envId}/settings`, lifecycleWebhooksTo(rx));
      await d.api('PUT', `/${d.envId}/connectors/tap-numbers`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
      await d.api('PUT', `/${d.envId}/connectors/target-jsonl`, {
        kind: 'target',
        command: [process.execPath, fixture('target-jsonl.mjs')],
      });
      const out = await d.dir('out');
      await d.api('PUT', `/${d.envId}/flows/order`, {
        name: 'order',
        type: 'v1-source',
        connectors: ['tap-numbers'],
        target: { connector: 'target-jsonl', config: { path: out } },
        job_settings: { force_discover: true },
      });
      const tenants = Array.from({ length: 40 }, (_, i) => `t${i}`);
      for (const t of tenants)
        await d.api('POST', `/${d.envId}/order/${t}/linkedSources`, { source: { tap: 'tap-numbers', config: { records: 2 } } });
      const jobs = await Promise.all(tenants.map((t) => d.api<{ job_id: string }>('POST', `/${d.envId}/order/${t}/jobs`, {})));
      await until('every job ended', 180_000, async () => (await d.jobs()).every((j) => isTerminal(j.status as JobStatus))).catch(
        () => undefined,
      );
      // No fault injected: what several delivering processes alone may break.
      await reportFaultRun(t, { d, jobIds: jobs.map((j) => j.job_id), injected: {}, rx });
    } finally {
      await d.dispose();
    }
  });
});
