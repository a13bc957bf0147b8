import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import type { Harness } from '../../support/sinew-harness.js';
import { type Caller, type FuzzRequest, type KnownValues, TOKEN_PLACEHOLDER } from './fuzz-requests.js';
import type { RawResponse } from './response-check.js';

const FLOWS = { source: 'fz-src', target: 'fz-tgt', v2: 'fz-v2' } as const;
const TENANT = 'acme';
const OTHER_TENANT = 'zeta';

/**
 * The real resources the fuzz aims at (flows of the three types, links, jobs, a snapshot, a
 * schedule, tenants with tokens), so that requests reach the services instead of stopping at a
 * 404; and the credentials of the three kinds of caller. `reseed()` puts back what a fuzzed
 * DELETE or PUT took away, so each operation starts from the same state.
 */
export class FuzzWorld {
  private tokens = { tenant: '', other: '' };
  private publicKey = '';
  private ids = { jobs: [] as string[], roots: [] as string[], tasks: [] as string[], events: [] as string[], keys: ['none'] };
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, Number(process.env.SINEW_FUZZ_PARALLEL ?? 1)) });

  private constructor(
    readonly h: Harness,
    private readonly target: http.Server,
    private readonly dirs: { csv: string; out: string; targetUrl: string },
  ) {}

  static async create(h: Harness): Promise<FuzzWorld> {
    // The http connector's remote system: accepts every write, so real-time writes get past the connector.
    let n = 0;
    const target = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `r${++n}` })),
      );
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const csv = await h.tmp('fuzz-csv');
    await fs.writeFile(path.join(csv, 'contacts.csv'), 'id,email\n1,a@example.com\n2,b@example.com\n');
    const out = await h.tmp('fuzz-out');
    const world = new FuzzWorld(h, target, { csv, out, targetUrl: `http://127.0.0.1:${(target.address() as AddressInfo).port}/contacts` });
    world.publicKey = await h.sinew.services.environments.createPublicKey(h.envId);
    await world.reseed();
    await world.seedHistory();
    return world;
  }

  /** Puts back the flows, links, tokens, snapshot, schedule and settings the fuzz may have changed. */
  async reseed(): Promise<void> {
    const { h, dirs } = this;
    const e = h.envId;
    const ok = async (method: string, url: string, body?: unknown) => {
      const res = await h.api(method, url, body);
      assert.ok(res.status < 300, `seeding ${method} ${url}: ${res.status} ${res.text}`);
      return res.body;
    };
    await ok('PUT', `/${e}/settings`, {
      job_settings: { trigger_job_on_link: false, discover_on_link: false, default_schedule_on_link: false, force_discover: false },
      storage: { type: 'default' },
      // A fuzzed settings PUT may have named webhooks (a link validation webhook on an unreachable
      // host refuses every link): the seeding below needs none.
      monitoring: { webhooks: {} },
    });
    await ok('PUT', `/${e}/flows/${FLOWS.source}`, {
      name: 'fuzz source',
      type: 'v1-source',
      connectors: ['csv', 'jsonl'],
      target: { connector: 'jsonl', config: { path: dirs.out } },
    });
    await ok('PUT', `/${e}/flows/${FLOWS.target}`, { name: 'fuzz target', type: 'v1-target', connectors: ['http', 'jsonl'] });
    await ok('PUT', `/${e}/flows/${FLOWS.v2}`, { name: 'fuzz v2', type: 'v2', connectors: ['http', 'csv'] });
    this.tokens.tenant = (await ok('POST', `/tenant/${e}/${TENANT}/token`, {})).token;
    this.tokens.other = (await ok('POST', `/tenant/${e}/${OTHER_TENANT}/token`, {})).token;
    await ok('POST', `/${e}/${FLOWS.source}/${TENANT}/linkedSources`, { source: { tap: 'csv', config: { path: dirs.csv } } });
    await ok('POST', `/${e}/${FLOWS.target}/${TENANT}/linkedTargets`, { target: { target: 'http', config: { url: dirs.targetUrl } } });
    await ok('POST', `/v2/${e}/${FLOWS.v2}/${TENANT}/linkedConnectors`, { connector_id: 'http', config: { url: dirs.targetUrl } });
    // A second v2 link, that can discover: requests must then name the link (`?connector_id=`), or get a 400.
    await ok('POST', `/v2/${e}/${FLOWS.v2}/${TENANT}/linkedConnectors`, { connector_id: 'csv', config: { path: dirs.csv } });
    await ok('PUT', `/tenant/${e}/${TENANT}/config`, { plan: 'gold' });
    await ok('PUT', `/tenant/${e}/${TENANT}/snapshots/fz_snap`, [{ id: 1, name: 'one' }]);
    // A key the fuzz may delete (never the owner's key or the tenant callers' public key, whose ids it is not given).
    this.ids.keys[0] = (await ok('POST', `/${e}/keys`, { kind: 'public', name: 'fuzz' })).key_id;
    await ok('PUT', `/${e}/${FLOWS.source}/${TENANT}/jobs/schedule`, {
      schedule_expression: 'cron(0 2 * * *)',
      state: 'DISABLED',
      tap: 'csv',
    });
  }

  /** Jobs, a write task and events: made once, their ids then used in paths and queries. */
  private async seedHistory(): Promise<void> {
    const { h } = this;
    const e = h.envId;
    const jobs = [
      await h.api('POST', `/${e}/${FLOWS.source}/${TENANT}/jobs`, {}),
      await h.api('POST', `/${e}/${FLOWS.target}/${TENANT}/jobs`, {
        tap: 'api',
        state: { contacts: [{ externalId: 'c-1', email: 'a@example.com' }] },
      }),
      await h.api('POST', `/v2/${e}/${FLOWS.v2}/${TENANT}/jobs`, {
        connector_id: 'http',
        job_type: 'write',
        state: { contacts: [{ externalId: 'c-2' }] },
      }),
    ];
    for (const j of jobs) {
      assert.equal(j.status, 200, j.text);
      this.ids.jobs.push(j.body.job_id);
      this.ids.roots.push(j.body.s3_root);
    }
    for (const prefix of ['', '/v2']) {
      const flow = prefix ? FLOWS.v2 : FLOWS.target;
      const task = await h.api('POST', `${prefix}/${e}/${flow}/${TENANT}/connectors/http/contacts`, {
        data: { externalId: 'c-3' },
        async: true,
      });
      assert.equal(task.status, 200, task.text);
      this.ids.tasks.push(task.body.taskId);
    }
    const events = await h.api('GET', `/${e}/events?limit=5`);
    assert.equal(events.status, 200, events.text);
    this.ids.events.push(...(events.body as { event_id?: string; id?: string }[]).map((ev) => ev.event_id ?? ev.id ?? 'none'));
    if (this.ids.events.length === 0) this.ids.events.push('none');
  }

  /** Seeded values for paths and queries, and field hints that make bodies meaningful. */
  known(): KnownValues {
    const { h, ids, dirs } = this;
    const flowFor = (template: string): string[] =>
      template.startsWith('/v2/')
        ? [FLOWS.v2]
        : template.includes('linkedSources')
          ? [FLOWS.source]
          : template.includes('linkedTargets')
            ? [FLOWS.target]
            : [FLOWS.source, FLOWS.target, FLOWS.v2];
    const params: Record<string, string[]> = {
      env: [h.envId],
      tenant: [TENANT, TENANT, OTHER_TENANT],
      job_id: ids.jobs,
      connector_id: ['http', 'csv'],
      stream: ['contacts'],
      id: ['csv', 'http', 'fz-tap'],
      event_id: ids.events,
      name: ['fz_snap', 'other_snap'],
    };
    const query: Record<string, string[]> = {
      token: [TOKEN_PLACEHOLDER],
      job_root: ids.roots,
      taskId: ids.tasks,
      tenant_id: [TENANT, OTHER_TENANT],
      source: ['csv'],
      target: ['http'],
      tap: ['csv'],
      connector_id: ['http', 'csv'],
      before: ids.jobs,
    };
    const csvConfig = { path: dirs.csv };
    const httpConfig = { url: dirs.targetUrl };
    return {
      // A key id is read per operation: reseed() makes a new key each time.
      param: (template, name) => (name === 'flow' ? flowFor(template) : name === 'key_id' ? [...ids.keys] : (params[name] ?? ['x'])),
      query: (name) => query[name] ?? [],
      hints: {
        tap: fc.constantFrom('csv', 'api', 'jsonl'),
        target: fc.constantFrom('http', 'jsonl'),
        connector_id: fc.constantFrom('http', 'csv'),
        connector: fc.constantFrom('jsonl', 'http'),
        connectors: fc.constantFrom(['csv', 'jsonl'], ['http'], ['http', 'csv']),
        config: fc.constantFrom(csvConfig, httpConfig, { path: dirs.out }),
        path: fc.constant(dirs.csv),
        url: fc.constantFrom(dirs.targetUrl, 'https://hooks.example.com/sinew'),
        schedule_expression: fc.constantFrom('cron(0 2 * * *)', '*/5 * * * *'),
        // A registered connector's probe runs its command: one that cannot exist keeps the fuzz from running programs.
        command: fc.constant(['/nonexistent/sinew-fuzz-tap']),
        data: fc.constantFrom({ externalId: 'c-9', email: 'z@example.com' }, [{ externalId: 'c-8' }, { name: 'no id' }]),
        state: fc.constant({ contacts: [{ externalId: 'c-7', email: 'y@example.com' }] }),
        field_map: fc.constant({ contacts: { selected: true, fields: { id: true, email: 'email_address' } } }),
        endpoint: fc.constant('http://127.0.0.1:1'),
        // A link's schedule and a flow's ETL script have shapes of their own, fuzzed by the mutations.
        schedule: fc.constantFrom(null, { schedule_expression: 'cron(0 3 * * *)' }),
        etl: fc.constant(undefined),
      },
    };
  }

  /** The tenant a tenant caller's token is for. */
  tenantOf(caller: Caller): string {
    return caller === 'other-tenant' ? OTHER_TENANT : TENANT;
  }

  private headersFor(caller: Caller): Record<string, string> {
    const { h, publicKey, tokens } = this;
    switch (caller) {
      case 'owner':
        return { 'x-api-key': h.key };
      case 'tenant':
      case 'query-token':
        return { 'x-api-key': publicKey, ...(caller === 'tenant' ? { authorization: `Bearer ${tokens.tenant}` } : {}) };
      case 'other-tenant':
        return { 'x-api-key': publicKey, authorization: `Bearer ${tokens.other}` };
      case 'no-auth':
        return {};
      case 'garbage-key':
        return { 'x-api-key': `sk_live_${'A'.repeat(40)}`, authorization: 'Basic Zm9vOmJhcg==' };
      case 'garbage-token':
        return { 'x-api-key': publicKey, authorization: `Bearer ${tokens.tenant.split('.').slice(0, 2).join('.')}.c2lnbmF0dXJl` };
      case 'unsigned-token': {
        // The real token's claims under `alg: none` and no signature: the classic JWT forgery.
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return { 'x-api-key': publicKey, authorization: `Bearer ${header}.${tokens.tenant.split('.')[1]}.` };
      }
    }
  }

  /** The request as it goes on the wire: the path byte for byte (fetch would resolve `..`). */
  resolve(req: FuzzRequest): { path: string; headers: Record<string, string> } {
    const token = req.caller === 'other-tenant' ? this.tokens.other : this.tokens.tenant;
    // The placeholder (a query's `token=`) carries the caller's own token; a tenant token in a query goes with the public key.
    const withToken = req.path.split(TOKEN_PLACEHOLDER).join(encodeURIComponent(token));
    const needsToken = req.caller === 'query-token' && !withToken.includes('token=');
    const path = needsToken ? `${withToken}${withToken.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : withToken;
    const headers = this.headersFor(req.caller);
    if (req.contentType) headers['content-type'] = req.contentType;
    // Node sends a GET or DELETE body without a length unless told: the server would read it as the next request.
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    return { path, headers };
  }

  /**
   * Sends one request on the kept-alive connection. A request written into a connection the server
   * had just closed (after answering the previous one) is sent again once on a new one, as Node's
   * documentation advises for keep-alive agents; a request that itself gets no answer is reported.
   */
  async send(req: FuzzRequest): Promise<RawResponse> {
    try {
      return await this.sendOnce(req);
    } catch (e) {
      if ((e as { reused?: boolean }).reused) return this.sendOnce(req);
      throw e;
    }
  }

  private sendOnce(req: FuzzRequest): Promise<RawResponse> {
    const url = new URL(this.h.url);
    const { path: rawPath, headers } = this.resolve(req);
    return new Promise((resolve, reject) => {
      const r = http.request(
        { host: url.hostname, port: url.port, method: req.method, path: rawPath, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      r.on('error', (e) => reject(Object.assign(e, { reused: r.reusedSocket })));
      r.end(req.body);
    });
  }

  /** Paths of the server an answer must never show. */
  serverPaths(): string[] {
    return [this.h.dataDir, process.cwd(), '/work/'];
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => this.target.close(() => resolve()));
  }
}
