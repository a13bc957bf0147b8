import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid, notFound } from '../../errors/sinew-error.js';
import { isRecord } from '../../snapshots/snapshot-lines.js';
import { checkSnapshotName } from '../../snapshots/snapshot-name.js';
import { SnapshotStore } from '../../snapshots/snapshot-store.js';
import { noContent, textAnswer } from '../schemas/schema-parts.js';
import type { SinewServices } from '../sinew-services.js';

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const tenantParams = { type: 'object', required: ['env', 'tenant'], properties: { env: id, tenant: id } } as const;
const snapshotParams = { type: 'object', required: ['env', 'tenant', 'name'], properties: { env: id, tenant: id, name: id } } as const;

interface SnapshotPath {
  env: string;
  tenant: string;
  name: string;
}

const NDJSON = 'application/x-ndjson';

const snapshotList = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'bytes', 'updated_at'],
    properties: { name: { type: 'string' }, bytes: { type: 'integer' }, updated_at: { type: ['string', 'null'], format: 'date-time' } },
  },
} as const;
const written = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'records'],
  properties: { name: { type: 'string' }, records: { type: 'integer' } },
} as const;

/**
 * A tenant's snapshots (environment key only): list, read (NDJSON, streamed), replace (NDJSON
 * streamed, or a JSON array), delete. Snapshots live in the environment's own storage; the tenant
 * must exist in the path's environment.
 */
export function registerSnapshotRoutes(app: FastifyInstance, s: SinewServices): void {
  const requireTenant = async (req: FastifyRequest<{ Params: { env: string; tenant: string } }>): Promise<void> => {
    if (!(await s.store.tenants.get(req.params.env, req.params.tenant))) throw notFound('tenant', { tenant: req.params.tenant });
  };
  /** The environment's snapshots, in its own storage (its bucket, or its folder of the server's). */
  const snapshotsOf = async (envId: string): Promise<SnapshotStore> => new SnapshotStore(await s.storageRouter.forEnvironment(envId));

  app.get<{ Params: { env: string; tenant: string } }>(
    '/tenant/:env/:tenant/snapshots',
    {
      schema: { params: tenantParams, response: { 200: snapshotList } },
      config: { summary: "List the tenant's snapshots (name, bytes, updated_at)" },
    },
    async (req) => {
      await requireTenant(req);
      return (await snapshotsOf(req.params.env)).list(req.params.tenant);
    },
  );

  app.get<{ Params: SnapshotPath }>(
    '/tenant/:env/:tenant/snapshots/:name',
    {
      schema: { params: snapshotParams, response: { 200: textAnswer(NDJSON, 'One record per line') } },
      config: { summary: 'Read a snapshot as NDJSON (one record per line)' },
    },
    async (req, reply) => {
      checkSnapshotName(req.params.name);
      await requireTenant(req);
      const raw = await (await snapshotsOf(req.params.env)).openRaw(req.params.tenant, req.params.name);
      if (!raw) throw notFound('snapshot', { name: req.params.name });
      return reply.type(NDJSON).send(raw);
    },
  );

  app.delete<{ Params: SnapshotPath }>(
    '/tenant/:env/:tenant/snapshots/:name',
    { schema: { params: snapshotParams, response: noContent }, config: { summary: 'Delete a snapshot' } },
    async (req, reply) => {
      checkSnapshotName(req.params.name);
      await requireTenant(req);
      if (!(await (await snapshotsOf(req.params.env)).delete(req.params.tenant, req.params.name)))
        throw notFound('snapshot', { name: req.params.name });
      return reply.status(204).send();
    },
  );

  // NDJSON bodies are streamed to storage, never held whole: their own parser in their own scope.
  app.register(async (scope) => {
    scope.addContentTypeParser(NDJSON, (_req, payload, done) => done(null, payload));
    scope.put<{ Params: SnapshotPath; Body: unknown }>(
      '/tenant/:env/:tenant/snapshots/:name',
      {
        schema: { params: snapshotParams, response: { 200: written } },
        config: {
          errors: ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
          summary: 'Replace a snapshot: an NDJSON body (application/x-ndjson, streamed) or a JSON array of objects',
        },
      },
      async (req) => {
        const { tenant, name } = req.params;
        checkSnapshotName(name);
        await requireTenant(req);
        if (Array.isArray(req.body)) {
          const body = req.body as unknown[];
          body.forEach((r, i) => {
            if (!isRecord(r)) throw invalid(`item ${i + 1} of the body is not a JSON object`);
          });
          const { records } = await (await snapshotsOf(req.params.env)).writeRecords(tenant, name, body as Record<string, unknown>[]);
          return { name, records };
        }
        if (req.headers['content-type']?.startsWith(NDJSON)) {
          const { records } = await (await snapshotsOf(req.params.env)).writeNdjson(tenant, name, req.body as Readable);
          return { name, records };
        }
        throw invalid(`the body must be NDJSON (${NDJSON}) or a JSON array of records`);
      },
    );
  });
}
