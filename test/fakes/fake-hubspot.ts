import { randomUUID } from 'node:crypto';
import { FakeApiServer, isObject, type Reply, type SeenRequest } from './fake-api-server.js';

const TYPES = new Set(['contacts', 'companies']);
const BATCH_LIMIT = 100;

function hubspotError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category, ...extra } };
}

/** HubSpot's 429 answer for the secondly limit, with its policy and rate-limit headers. */
export function hubspotRateLimit(retryAfterSeconds: number): Reply {
  return {
    status: 429,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-hubspot-ratelimit-interval-milliseconds': '1000',
      'x-hubspot-ratelimit-remaining': '0',
    },
    body: {
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName: 'SECONDLY',
    },
  };
}

/**
 * HubSpot CRM v3 objects (contacts, companies) as documented: Bearer auth, `batch/create` and
 * `batch/update` with `inputs` (1..100), property values as strings, contacts' `email` checked;
 * with an `objectWriteTraceId` on every input, partial failures answer 207 Multi-Status naming the
 * failed trace ids, otherwise any bad input fails the whole batch with 400. Archive by DELETE.
 */
export class FakeHubspot {
  readonly objects = new Map<string, Map<string, Record<string, string>>>([...TYPES].map((t) => [t, new Map()]));
  readonly server: FakeApiServer;
  private nextId = 1001;

  /**
   * `token` may be a function: an API that accepts only the current access token of an OAuth
   * server; or `{ accepts }`: an API that accepts any token the predicate accepts (e.g. any live
   * token of FakeOAuthServer).
   */
  constructor(readonly token: string | (() => string) | { accepts: (token: string) => boolean }) {
    this.server = new FakeApiServer((r) => this.route(r));
  }

  private propertyProblem(type: string, properties: unknown): string | null {
    if (!isObject(properties)) return 'properties must be an object';
    for (const [name, value] of Object.entries(properties)) {
      if (typeof value !== 'string') return `Property values were not valid: property "${name}" must be a string`;
    }
    if (type === 'contacts' && properties.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(properties.email as string)) {
      return `Property values were not valid: "${properties.email}" is not a valid email address`;
    }
    return null;
  }

  private authorized(header: string | undefined): boolean {
    if (typeof this.token === 'object') return header?.startsWith('Bearer ') === true && this.token.accepts(header.slice(7));
    return header === `Bearer ${typeof this.token === 'function' ? this.token() : this.token}`;
  }

  private route(request: SeenRequest): Reply {
    if (!this.authorized(request.headers.authorization)) {
      return hubspotError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    }
    // Listing one object (what a credential check asks): `GET /crm/v3/objects/{type}?limit=n`.
    const list = /^\/crm\/v3\/objects\/([^/?]+)(\?.*)?$/.exec(request.path);
    const listed = list?.[1];
    if (listed !== undefined && request.method === 'GET' && TYPES.has(listed)) {
      return { status: 200, body: { results: [...this.objects.get(listed)!].slice(0, 1).map(([id, properties]) => ({ id, properties })) } };
    }
    const batch = /^\/crm\/v3\/objects\/([^/]+)\/batch\/(create|update)$/.exec(request.path);
    const single = /^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/.exec(request.path);
    const type = batch?.[1] ?? single?.[1] ?? '';
    if (!TYPES.has(type)) return hubspotError(404, 'OBJECT_NOT_FOUND', `Unknown object type ${type}`);
    const store = this.objects.get(type)!;
    if (batch && request.method === 'POST') {
      const inputs = isObject(request.body) ? request.body.inputs : undefined;
      if (!Array.isArray(inputs) || inputs.length === 0) return hubspotError(400, 'VALIDATION_ERROR', 'inputs must be a non-empty array');
      if (inputs.length > BATCH_LIMIT) return hubspotError(400, 'VALIDATION_ERROR', `Batch input may not exceed ${BATCH_LIMIT} inputs`);
      return batch[2] === 'create' ? this.create(type, store, inputs) : this.update(type, store, inputs);
    }
    const id = single?.[2];
    if (id !== undefined && request.method === 'DELETE') {
      if (!store.delete(id)) return hubspotError(404, 'OBJECT_NOT_FOUND', `Object ${id} not found`);
      return { status: 204 };
    }
    return hubspotError(405, 'METHOD_NOT_ALLOWED', `${request.method} ${request.path}`);
  }

  private create(type: string, store: Map<string, Record<string, string>>, inputs: unknown[]): Reply {
    const multiStatus = inputs.every((i) => isObject(i) && typeof i.objectWriteTraceId === 'string');
    const problems = inputs.map((i) => this.propertyProblem(type, isObject(i) ? i.properties : undefined));
    if (!multiStatus && problems.some((p) => p !== null)) {
      return hubspotError(400, 'VALIDATION_ERROR', problems.find((p) => p !== null)!);
    }
    const now = new Date().toISOString();
    const results: unknown[] = [];
    const errors: unknown[] = [];
    inputs.forEach((input, index) => {
      const { properties, objectWriteTraceId } = input as { properties: Record<string, string>; objectWriteTraceId?: string };
      if (problems[index]) {
        errors.push({
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: problems[index],
          context: { objectWriteTraceId: [objectWriteTraceId] },
        });
        return;
      }
      const id = String(this.nextId++);
      store.set(id, { ...properties });
      results.push({
        id,
        properties,
        createdAt: now,
        updatedAt: now,
        archived: false,
        ...(objectWriteTraceId ? { objectWriteTraceId } : {}),
      });
    });
    const body = {
      status: 'COMPLETE',
      results,
      startedAt: now,
      completedAt: now,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    };
    return { status: errors.length > 0 ? 207 : 201, body };
  }

  private update(type: string, store: Map<string, Record<string, string>>, inputs: unknown[]): Reply {
    const now = new Date().toISOString();
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      if (!isObject(input) || typeof input.id !== 'string') return hubspotError(400, 'VALIDATION_ERROR', 'every input needs a string id');
      const problem = this.propertyProblem(type, input.properties);
      const existing = store.get(input.id);
      if (problem) errors.push({ status: 'error', category: 'VALIDATION_ERROR', message: problem, context: { ids: [input.id] } });
      else if (!existing)
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Object ${input.id} not found`,
          context: { ids: [input.id] },
        });
      else {
        Object.assign(existing, input.properties);
        results.push({ id: input.id, properties: existing, updatedAt: now, archived: false });
      }
    }
    const body = {
      status: 'COMPLETE',
      results,
      startedAt: now,
      completedAt: now,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    };
    return { status: errors.length > 0 ? 207 : 200, body };
  }
}
