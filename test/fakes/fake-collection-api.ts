import { FakeApiServer, isObject, type Reply, type SeenRequest } from './fake-api-server.js';

/**
 * A generic JSON REST collection at `/items`: `POST /items` creates (201 with the object and its
 * `id`), `PATCH /items/{id}` updates, `DELETE /items/{id}` deletes, `POST /items/batch` takes an
 * array (at most `maxBatch`) and answers one result per element. Every call needs
 * `Authorization: Bearer <token>`; an item needs a string `name` (else 422). A call carrying an
 * item named `REVOKED` is answered 401, as if the token had just been revoked (a write that
 * becomes impossible halfway through a job); one with an item named `HANG` is answered after a
 * minute (a remote system that stops answering).
 */
export class FakeCollectionApi {
  readonly items = new Map<string, Record<string, unknown>>();
  readonly server: FakeApiServer;
  private nextId = 1;

  constructor(
    readonly token: string,
    readonly maxBatch = 100,
  ) {
    this.server = new FakeApiServer((r) => this.route(r));
  }

  private problem(item: unknown): string | null {
    if (!isObject(item)) return 'an item must be a JSON object';
    if (typeof item.name !== 'string' || item.name === '') return 'name is required';
    return null;
  }

  private create(item: Record<string, unknown>): Record<string, unknown> {
    const id = `item-${this.nextId++}`;
    const stored = { ...item, id };
    this.items.set(id, stored);
    return stored;
  }

  private route(request: SeenRequest): Reply {
    if (request.headers.authorization !== `Bearer ${this.token}`) return { status: 401, body: { message: 'bad token' } };
    const items = Array.isArray(request.body) ? request.body : [request.body];
    if (items.some((item) => isObject(item) && item.name === 'REVOKED')) return { status: 401, body: { message: 'token revoked' } };
    if (items.some((item) => isObject(item) && item.name === 'HANG'))
      return { status: 503, body: { message: 'too late' }, delayMs: 60_000 };
    const [path = ''] = request.path.split('?');
    if (request.method === 'POST' && path === '/items/batch') {
      if (!Array.isArray(request.body)) return { status: 400, body: { message: 'a batch must be a JSON array' } };
      if (request.body.length > this.maxBatch) return { status: 413, body: { message: `at most ${this.maxBatch} items per batch` } };
      return {
        status: 200,
        body: request.body.map((item) =>
          this.problem(item) ? { error: this.problem(item) } : this.create(item as Record<string, unknown>),
        ),
      };
    }
    if (request.method === 'POST' && path === '/items') {
      const problem = this.problem(request.body);
      return problem
        ? { status: 422, body: { message: problem } }
        : { status: 201, body: this.create(request.body as Record<string, unknown>) };
    }
    const [, encodedId] = /^\/items\/([^/]+)$/.exec(path) ?? [];
    if (encodedId !== undefined) {
      const id = decodeURIComponent(encodedId);
      const existing = this.items.get(id);
      if (!existing) return { status: 404, body: { message: `no item ${id}` } };
      if (request.method === 'PATCH') {
        if (!isObject(request.body)) return { status: 400, body: { message: 'an update must be a JSON object' } };
        const updated = { ...existing, ...request.body, id };
        this.items.set(id, updated);
        return { status: 200, body: updated };
      }
      if (request.method === 'DELETE') {
        this.items.delete(id);
        return { status: 204 };
      }
    }
    return { status: 404, body: { message: `no route ${request.method} ${path}` } };
  }
}
