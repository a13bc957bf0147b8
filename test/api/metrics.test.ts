import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { present } from '../support/elements.js';
import { parseExposition, type Sample, sampleValue } from '../support/prometheus-text.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';

const PHASE = 'sinew_job_phase_duration_seconds';
const ATTEMPTS = 'sinew_event_delivery_attempts_total';

async function scrape(
  base: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; text: string; samples: Sample[] }> {
  const res = await fetch(`${base}/metrics`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, samples: res.status === 200 ? parseExposition(text) : [] };
}

/** Scrapes until `pred` holds: job counts come from the store and are shared by scrapes for 2 s. */
async function scrapeUntil(base: string, pred: (s: Sample[]) => boolean, what: string): Promise<Sample[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { samples, text } = await scrape(base);
    if (pred(samples)) return samples;
    if (Date.now() > deadline)
      throw new Error(
        `metrics never showed ${what}:\n${text
          .split('\n')
          .filter((l) => l.startsWith('sinew_'))
          .join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('GET /metrics through a real server', () => {
  let h: Harness;
  let tap: string;
  let target: string;
  const flaky = new Map<string, number>();
  let rx: Receiver;
  let down: Receiver;
  before(async () => {
    h = await startHarness({
      env: {
        SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true',
        SINEW_WEBHOOK_RETRY_SCHEDULE: '0.05,0.1',
        SINEW_WEBHOOK_TIMEOUT_MS: '1500',
        SINEW_EVENT_POLL_MS: '100',
      },
    });
    ({ tap, target } = await registerTestConnectors(h, 'node'));
    // Refuses each event's first attempt, accepts the second.
    rx = await startReceiver((r) => {
      const id = String(r.headers['x-sinew-event-id']);
      const seen = (flaky.get(id) ?? 0) + 1;
      flaky.set(id, seen);
      return seen === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' };
    });
    down = await startReceiver(() => ({ status: 500, body: 'broken' }));
  });
  after(async () => {
    await h.stop();
    await rx.close();
    await down.close();
  });

  test('Prometheus text without an API key: process metrics, queue depth, and jobs by status and phase durations following real jobs', async () => {
    const first = await scrape(h.url);
    assert.equal(first.status, 200, first.text);
    assert.match(String(first.type), /^text\/plain; version=0\.0\.4/);
    assert.match(first.text, /^# TYPE sinew_jobs gauge$/m);
    assert.match(first.text, /^# TYPE sinew_job_phase_duration_seconds histogram$/m);
    assert.ok(sampleValue(first.samples, 'process_cpu_user_seconds_total')! > 0, 'process metrics');
    assert.ok(sampleValue(first.samples, 'nodejs_heap_size_used_bytes')! > 0);
    assert.equal(sampleValue(first.samples, 'sinew_queue_depth'), 0);
    assert.equal(sampleValue(first.samples, 'sinew_jobs', { env_id: h.envId, status: 'JOB_COMPLETED' }), undefined, 'no jobs yet');

    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'm1', tap, target, outDir: out, tenant: 't1', sourceConfig: { records: 50 } });
    const created = await h.api('POST', `/${h.envId}/m1/t1/jobs`, {});
    assert.equal(created.status, 200, created.text);
    const done = await h.waitForJob('m1', 't1', created.body.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);

    const env = { env_id: h.envId };
    let samples = await scrapeUntil(
      h.url,
      (s) => sampleValue(s, 'sinew_jobs', { ...env, status: 'JOB_COMPLETED' }) === 1,
      'one completed job',
    );
    assert.equal(sampleValue(samples, 'sinew_jobs', { ...env, status: 'JOB_CREATED' }), 0, 'every status is there, zeros included');
    assert.equal(sampleValue(samples, 'sinew_jobs', { ...env, status: 'SYNC_STARTED' }), 0);
    const stamps = done.status_timestamp as Record<string, number>;
    const seconds = (from: string, to: string) => (present(stamps[to], `${to} stamp`) - present(stamps[from], `${from} stamp`)) / 1000;
    const phase = (p: string, outcome: string, part: 'count' | 'sum') =>
      sampleValue(samples, `${PHASE}_${part}`, { ...env, phase: p, outcome });
    for (const [p, from, to] of [
      ['queued', 'JOB_CREATED', 'DISCOVER_STARTED'],
      ['discover', 'DISCOVER_STARTED', 'DISCOVER_SUCCESS'],
      ['sync', 'SYNC_STARTED', 'SYNC_SUCCESS'],
      ['etl', 'ETL_STARTED', 'ETL_SUCCESS'],
      ['export', 'EXPORT_STARTED', 'JOB_COMPLETED'],
      ['job', 'JOB_CREATED', 'JOB_COMPLETED'],
    ] as const) {
      assert.ok(stamps[from] !== undefined && stamps[to] !== undefined, `${from} and ${to} stamped: ${JSON.stringify(stamps)}`);
      assert.equal(phase(p, 'success', 'count'), 1, `${p} observed once`);
      assert.ok(Math.abs(phase(p, 'success', 'sum')! - seconds(from, to)) < 1e-6, `${p} lasted ${seconds(from, to)} s by status_timestamp`);
    }
    assert.equal(sampleValue(samples, `${PHASE}_bucket`, { ...env, phase: 'job', outcome: 'success', le: '+Inf' }), 1);

    // A job whose tap dies: its sync and the job end failed.
    await sourceFlow(h, { flow: 'm2', tap, target, outDir: out, tenant: 't1', sourceConfig: { records: 50, fail_after: 5 } });
    const failing = await h.api('POST', `/${h.envId}/m2/t1/jobs`, {});
    assert.equal((await h.waitForJob('m2', 't1', failing.body.job_id)).status, 'SYNC_FAILED');
    samples = await scrapeUntil(h.url, (s) => sampleValue(s, 'sinew_jobs', { ...env, status: 'SYNC_FAILED' }) === 1, 'one failed job');
    assert.equal(sampleValue(samples, 'sinew_jobs', { ...env, status: 'JOB_COMPLETED' }), 1);
    assert.equal(phase('sync', 'failed', 'count'), 1);
    assert.equal(phase('job', 'failed', 'count'), 1);
    assert.equal(phase('sync', 'success', 'count'), 1, 'the first job is still counted once');
    assert.equal(phase('etl', 'failed', 'count'), undefined, 'a phase that never started is not observed');
  });

  test('webhook delivery outcomes: delivered, retried and given up, counted by destination and event kind', async () => {
    const put = await h.api('PUT', `/${h.envId}/settings`, {
      monitoring: { webhooks: { job_lifecycle: { url: `${rx.url}/jobs`, secret: 'metrics-test-secret' } } },
    });
    assert.equal(put.status, 200, put.text);
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'm3', tap, target, outDir: out, tenant: 't3', sourceConfig: { records: 5 } });
    const before = parseExposition((await scrape(h.url)).text);
    const count = (s: Sample[], outcome: string) =>
      sampleValue(s, ATTEMPTS, { env_id: h.envId, destination: 'webhook', event_kind: 'job_lifecycle', outcome }) ?? 0;

    const ok = await h.api('POST', `/${h.envId}/m3/t3/jobs`, {});
    const job = await h.waitForJob('m3', 't3', ok.body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const events = Object.keys(job.status_timestamp).length;
    await rx.waitFor((all) => all.filter((r) => r.body?.job_id === job.job_id).length === 2 * events);
    let samples = await scrapeUntil(h.url, (s) => count(s, 'delivered') - count(before, 'delivered') === events, `${events} deliveries`);
    assert.equal(count(samples, 'retry') - count(before, 'retry'), events, 'each first attempt was refused and retried');
    assert.equal(count(samples, 'failed') - count(before, 'failed'), 0);

    // A job whose own lifecycle webhook always fails: two retries (the schedule), then given up.
    const broken = await h.api('POST', `/${h.envId}/m3/t3/jobs`, { override_lifecycle_webhook: `${down.url}/hook` });
    const brokenJob = await h.waitForJob('m3', 't3', broken.body.job_id);
    const brokenEvents = Object.keys(brokenJob.status_timestamp).length;
    samples = await scrapeUntil(h.url, (s) => count(s, 'failed') - count(before, 'failed') === brokenEvents, `${brokenEvents} given up`);
    assert.equal(count(samples, 'retry') - count(before, 'retry'), events + 2 * brokenEvents);
    assert.equal(count(samples, 'delivered') - count(before, 'delivered'), events);

    const text = (await scrape(h.url)).text;
    for (const secret of [h.key, 'metrics-test-secret', rx.url, down.url, 't3', 'm3', job.job_id])
      assert.equal(text.includes(secret), false, `${secret} is not in the metrics`);
  });
});

describe('metrics auth and the metrics port (SINEW_METRICS_TOKEN, SINEW_METRICS_PORT)', () => {
  const TOKEN = 'scrape-token-Zq81';
  let h: Harness;
  let worker: Harness;
  before(async () => {
    h = await startHarness({ env: { SINEW_METRICS_TOKEN: TOKEN, SINEW_METRICS_PORT: '0' } });
    // A worker process runs no API: the metrics port is how it is scraped and probed.
    worker = await startHarness({ env: { SINEW_METRICS_PORT: '0' }, roles: { api: false, worker: true, scheduler: false } });
  });
  after(async () => {
    await h.stop();
    await worker.stop();
  });

  test('with a token, /metrics needs it as a bearer token, on the API port and on the metrics port', async () => {
    assert.notEqual(h.sinew.metricsUrl, '');
    assert.notEqual(h.sinew.metricsUrl, h.url);
    for (const base of [h.url, h.sinew.metricsUrl]) {
      const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }, { 'x-api-key': h.key }];
      for (const headers of refused) {
        const res = await fetch(`${base}/metrics`, { headers });
        assert.equal(res.status, 401, `${base} ${JSON.stringify(headers)}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sinew-metrics"');
        const body = (await res.json()) as { error: { code: string } };
        assert.equal(body.error.code, 'UNAUTHORIZED');
      }
      const ok = await scrape(base, { authorization: `Bearer ${TOKEN}` });
      assert.equal(ok.status, 200, ok.text);
      assert.ok(sampleValue(ok.samples, 'process_resident_memory_bytes')! > 0);
    }
    // The rest of the API is unchanged: still the API key, and the token is not one.
    assert.equal(
      (await h.api('GET', `/${h.envId}/flows`, undefined, { key: null, headers: { authorization: `Bearer ${TOKEN}` } })).status,
      401,
    );
    assert.equal((await h.api('GET', `/${h.envId}/flows`)).status, 200);
  });

  test('the metrics port also answers /health and /ready, nothing else; a worker-only process exposes it', async () => {
    for (const base of [h.sinew.metricsUrl, worker.sinew.metricsUrl]) {
      assert.equal((await fetch(`${base}/health`)).status, 200);
      const ready = await fetch(`${base}/ready`);
      assert.equal(ready.status, 200, await ready.text());
      const other = await fetch(`${base}/${h.envId}/flows`, { headers: { 'x-api-key': h.key } });
      assert.equal(other.status, 404);
      assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    }
    assert.equal(worker.sinew.url, '', 'the worker runs no API');
    const scraped = await scrape(worker.sinew.metricsUrl);
    assert.equal(scraped.status, 200, 'no token configured: open');
    assert.equal(sampleValue(scraped.samples, 'sinew_queue_depth'), 0);
    assert.match(scraped.text, /^# TYPE sinew_event_delivery_attempts_total counter$/m);
  });
});
