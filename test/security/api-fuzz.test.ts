import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { type FuzzRequest, type Operation, operationsOf, requestArbitrary, TOKEN_PLACEHOLDER } from './fuzz/fuzz-requests.js';
import { FuzzWorld } from './fuzz/fuzz-world.js';
import { boundaryProblem, problemsOf } from './fuzz/response-check.js';

/**
 * A bounded, deterministic fuzz of every operation of /openapi.json (issue #12): valid-looking and
 * hostile bodies, paths, queries, content types, from the owner, a tenant and strangers. Every
 * answer must be < 500, show no stack trace or server path, and be a catalogue error when it is
 * one; no caller may get a 2xx where docs/security.md refuses it (strangers, forged tokens, a
 * tenant on an owner route or on another tenant's); the server must still serve at the end.
 *
 * Reproduce a run with SINEW_FUZZ_SEED=<seed printed below>; SINEW_FUZZ_RUNS sets the requests
 * per operation, SINEW_FUZZ_ONLY a substring of the operations to fuzz (e.g. "linkedSources"),
 * SINEW_FUZZ_VERBOSE=1 prints every request with its answer, SINEW_FUZZ_WORKER=1 runs jobs too,
 * SINEW_FUZZ_PARALLEL=<n> sends n requests at once (races; not reproducible by seed alone).
 */
const SEED = process.env.SINEW_FUZZ_SEED ? Number(process.env.SINEW_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.SINEW_FUZZ_RUNS ?? 40);
const ONLY = process.env.SINEW_FUZZ_ONLY;
const VERBOSE = process.env.SINEW_FUZZ_VERBOSE === '1';
const PARALLEL = Math.max(1, Number(process.env.SINEW_FUZZ_PARALLEL ?? 1));

/** Each operation draws from its own seed: reproducing one operation alone gives the same requests. */
function seedOf(op: Operation): number {
  let h = SEED | 0;
  for (const c of op.key) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

function describeRequest(req: FuzzRequest, path: string): string {
  const body = req.body === undefined ? '' : ` body(${req.shape}, ${req.body.length} chars)=${req.body.slice(0, 200)}`;
  return `${req.method} ${path.slice(0, 300)} as ${req.caller}${req.contentType ? ` [${req.contentType}]` : ''}${body}`;
}

let h: Harness;
let world: FuzzWorld;

before(async () => {
  // The API alone: queued jobs stay queued (nothing runs connectors or sends events behind the
  // fuzz), so what the fuzz sees does not depend on how far a job got.
  // SINEW_FUZZ_WORKER=1 runs the worker and scheduler too, for a deeper run by hand (jobs then run
  // while the fuzz changes what they use); CI keeps the deterministic API-only run.
  const full = process.env.SINEW_FUZZ_WORKER === '1';
  h = await startHarness({ roles: { api: true, worker: full, scheduler: full } });
  world = await FuzzWorld.create(h);
});
after(async () => {
  await world?.stop();
  await h?.stop();
});

test(`every operation of /openapi.json answers hostile requests with a clean 4xx (seed ${SEED})`, async (t) => {
  t.diagnostic(`fuzz seed ${SEED} (SINEW_FUZZ_SEED=${SEED} reproduces this run), ${RUNS} requests per operation`);
  const doc = await h.api('GET', '/openapi.json');
  assert.equal(doc.status, 200);
  const operations = operationsOf(doc.body).filter((op) => !ONLY || op.key.includes(ONLY));
  assert.ok(ONLY || operations.length >= 70, `${operations.length} operations in /openapi.json`);

  const known = world.known();
  const failures: { op: string; problems: string[]; detail: string }[] = [];
  const statuses = new Map<number, number>();
  const reached = new Map<string, number>();
  let sent = 0;
  let dirty = false;
  const check = async (op: Operation, req: FuzzRequest): Promise<void> => {
    const { path, headers } = world.resolve(req);
    const res = await world.send(req).catch((e: Error) => e);
    sent++;
    if (res instanceof Error) {
      // No answer at all is as bad as a 500: the server (or its HTTP parser) dropped the request.
      failures.push({ op: op.key, problems: ['no answer'], detail: `${res.message}\n    ${describeRequest(req, path)}` });
      return;
    }
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (VERBOSE) t.diagnostic(`${res.status} ← ${describeRequest(req, path)} → ${res.text.slice(0, 200)}`);
    if (res.status < 300) reached.set(op.key, (reached.get(op.key) ?? 0) + 1);
    const problems = problemsOf(res, `${path}\n${JSON.stringify(headers)}\n${req.body ?? ''}`, world.serverPaths());
    // A valid `?token=` wins over the Authorization header: with the public key, that caller is the token's tenant.
    const queryToken = req.path.includes(TOKEN_PLACEHOLDER) && ['garbage-token', 'unsigned-token'].includes(req.caller);
    const caller = queryToken ? 'query-token' : req.caller;
    const crossed = boundaryProblem(res.status, {
      route: op.caller,
      caller,
      pathTenant: req.pathTenant,
      tokenTenant: world.tenantOf(req.caller),
    });
    if (crossed) problems.push(crossed);
    if (problems.length > 0)
      failures.push({ op: op.key, problems, detail: `${describeRequest(req, path)}\n    → ${res.status} ${res.text.slice(0, 300)}` });
  };
  for (const op of operations) {
    // A DELETE or PUT may have taken away what the next operation needs.
    if (dirty) await world.reseed();
    dirty = op.method !== 'GET';
    const requests = fc.sample(requestArbitrary(op, known), { seed: seedOf(op), numRuns: RUNS });
    // One at a time unless SINEW_FUZZ_PARALLEL asks for races (then answers depend on timing: by hand only).
    for (let i = 0; i < requests.length; i += PARALLEL) await Promise.all(requests.slice(i, i + PARALLEL).map((req) => check(op, req)));
  }
  t.diagnostic(
    `${sent} requests over ${operations.length} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
  );
  // Where the fuzz did not get past validation: a hint that its seeds or field hints need care.
  const shallow = operations.filter((op) => !reached.has(op.key)).map((op) => op.key);
  if (shallow.length > 0) t.diagnostic(`no 2xx answer for: ${shallow.join(', ')}`);
  // One line per kind of bad answer, with the first request that got it: enough to reproduce and fix.
  const kinds = new Map<string, { n: number; first: string }>();
  for (const f of failures) {
    const kind = `${f.op}: ${f.problems.map((p) => p.replace(/: .*/, '')).join('; ')}`;
    const seen = kinds.get(kind);
    if (seen) seen.n++;
    else kinds.set(kind, { n: 1, first: `${f.problems.join('; ')}\n    ${f.detail}` });
  }
  const report = [...kinds].map(([kind, { n, first }]) => `${n}× ${kind}\n  e.g. ${first}`);
  assert.deepEqual(report, [], `${failures.length} bad answers (seed ${SEED}), by kind:`);

  // Still healthy: alive, its store answers, and a real request works.
  assert.equal((await h.api('GET', '/health')).status, 200);
  assert.equal((await h.api('GET', '/ready')).status, 200);
  assert.equal((await h.api('GET', `/${h.envId}/flows`)).status, 200);
});
