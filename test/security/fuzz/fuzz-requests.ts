import fc from 'fast-check';
import {
  DEEP_NEST_MARKER,
  DEEP_NEST_TEXT,
  encodeSegment,
  hostileNdjson,
  hostileSegment,
  hostileString,
  hostileValue,
  rawHostileBody,
  wrongContentType,
} from './hostile-input.js';
import { type FieldHints, type JsonSchema, schemaArbitrary } from './schema-arbitrary.js';

/** One operation of /openapi.json, as the fuzz needs it. */
export interface Operation {
  key: string;
  method: string;
  template: string;
  pathParams: string[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
  /** Who may call it, read back from its `security` (docs/security.md's table). */
  caller: 'anyone' | 'owner' | 'tenant';
}

/** Who sends a request; the world turns this into headers with the credentials of the moment. */
export type Caller = 'owner' | 'tenant' | 'other-tenant' | 'no-auth' | 'garbage-key' | 'garbage-token' | 'unsigned-token' | 'query-token';

/** Stands for the tenant token of the moment in a generated query string (tokens are re-issued between operations). */
export const TOKEN_PLACEHOLDER = 'FUZZ-TOKEN-PLACEHOLDER'; // unchanged by percent-encoding

export interface FuzzRequest {
  op: string;
  method: string;
  /** Path and query exactly as sent (percent-encoding included); may hold TOKEN_PLACEHOLDER. */
  path: string;
  caller: Caller;
  contentType?: string;
  body?: string;
  /** What kind of body this is, for the report. */
  shape: string;
  /** The {tenant} segment as sent, when the route has one. */
  pathTenant?: string;
}

/** Real values the world seeded, by path parameter and query parameter name. */
export interface KnownValues {
  /** Path parameter values, given the route template (a flow id depends on the route's flow type). */
  param(template: string, name: string): string[];
  query(name: string): string[];
  hints: FieldHints;
}

export function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as { name: string; in: string; required?: boolean; schema: JsonSchema }[];
      ops.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
        caller: (op.security ?? []).length === 0 ? 'anyone' : op.security.length > 1 ? 'tenant' : 'owner',
      });
    }
  }
  return ops;
}

/** Callers that may get past authentication: the owner, or the tenant of the path (header or query token). */
const validCaller = fc.oneof(
  { arbitrary: fc.constant<Caller>('owner'), weight: 3 },
  { arbitrary: fc.constantFrom<Caller>('tenant', 'query-token'), weight: 2 },
);
const hostileCaller = fc.constantFrom<Caller>('other-tenant', 'no-auth', 'garbage-key', 'garbage-token', 'unsigned-token');

/**
 * Which part of a request is hostile; the others are as valid as the seeds allow. One hostile
 * part at a time reaches the code behind the checks the other parts would have failed.
 */
type Focus = 'none' | 'path' | 'query' | 'body' | 'caller';
const focusArbitrary = fc.oneof(
  { arbitrary: fc.constant<Focus>('none'), weight: 3 },
  { arbitrary: fc.constant<Focus>('path'), weight: 2 },
  { arbitrary: fc.constant<Focus>('query'), weight: 1 },
  { arbitrary: fc.constant<Focus>('body'), weight: 3 },
  { arbitrary: fc.constant<Focus>('caller'), weight: 1 },
);

function queryArbitrary(op: Operation, known: KnownValues, hostile: boolean): fc.Arbitrary<string> {
  const parts = op.query.map(({ name, schema }) => {
    const seeded = known.query(name);
    const valid = seeded.length > 0 ? fc.constantFrom(...seeded) : schemaArbitrary(schema, {}).map(String);
    const value = hostile ? fc.oneof(valid, schemaArbitrary(schema, {}).map(String), hostileString) : valid;
    // Absent, once, or (hostile) repeated, which the server sees as an array.
    return fc.oneof(
      { arbitrary: fc.constant([] as string[]), weight: 2 },
      { arbitrary: value.map((v) => [`${name}=${encodeSegment(v)}`]), weight: 5 },
      {
        arbitrary: fc.tuple(value, value).map(([a, b]) => [`${name}=${encodeSegment(a)}`, `${name}=${encodeSegment(b)}`]),
        weight: hostile ? 2 : 0,
      },
    );
  });
  const extra = hostile
    ? fc.oneof(
        { arbitrary: fc.constant([] as string[]), weight: 2 },
        {
          arbitrary: fc.constantFrom(
            ['__proto__[x]=1'],
            ['constructor[prototype][x]=1'],
            ['a[b][c]=1'],
            ['%=1'],
            ['=x'],
            ['&&&'],
            ['x=%zz'],
            [`x=${'y'.repeat(20_000)}`],
          ),
          weight: 1,
        },
      )
    : fc.constant([] as string[]);
  return fc.tuple(fc.tuple(...parts), extra).map(([p, e]) => {
    const all = [...p.flat(), ...e];
    return all.length > 0 ? `?${all.join('&')}` : '';
  });
}

/** Where in a value a mutation lands: every object or array inside it, by path. */
function containers(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length > 200 || value === null || typeof value !== 'object') return out;
  out.push(at);
  for (const [k, v] of Object.entries(value)) containers(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  return out;
}

type Mutation = 'replace' | 'delete' | 'extra' | 'stringify' | 'wrap';

/** One change to a valid-looking body: a field of the wrong type, missing, extra, as a string, in an array. */
function mutate(body: unknown, kind: Mutation, pick: number, value: unknown): unknown {
  const copy = structuredClone(body);
  const spots = containers(copy);
  if (spots.length === 0) return value;
  const where = spots[pick % spots.length] ?? [];
  const parent = where.reduce<any>((node, k) => node[k], copy);
  const keys = Object.keys(parent);
  const key: string | number = keys[pick % keys.length] ?? 'extra';
  if (kind === 'extra') parent[`x_${pick % 97}`] = value;
  else if (keys.length === 0) parent[key] = value;
  else if (kind === 'delete') delete parent[key];
  else if (kind === 'replace') parent[key] = value;
  else if (kind === 'stringify') parent[key] = typeof parent[key] === 'object' ? JSON.stringify(parent[key]) : String(parent[key]);
  else parent[key] = [parent[key]];
  return copy;
}

function jsonText(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? 'null').split(`"${DEEP_NEST_MARKER}"`).join(DEEP_NEST_TEXT);
  } catch {
    // Too deep for JSON.stringify: the raw deep texts cover that case.
    return '{}';
  }
}

type Body = { contentType?: string; body?: string; shape: string };

/**
 * A write without a body schema in /openapi.json (a snapshot upload; actions such as cancel)
 * still gets what such a route may take: a JSON array of records.
 */
const recordsBody: fc.Arbitrary<Body> = fc
  .array(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }), { maxLength: 4 })
  .map((records): Body => ({ contentType: 'application/json', body: JSON.stringify(records), shape: 'records' }));

function validBody(op: Operation, known: KnownValues): fc.Arbitrary<Body> {
  if (!op.body)
    return op.method === 'GET' || op.method === 'DELETE'
      ? fc.constant({ shape: 'no body' })
      : fc.oneof(fc.constant<Body>({ shape: 'no body' }), recordsBody);
  return schemaArbitrary(op.body, known.hints).map(
    (v): Body => ({ contentType: 'application/json', body: jsonText(v), shape: 'valid-looking' }),
  );
}

function hostileBody(op: Operation, known: KnownValues): fc.Arbitrary<Body> {
  const json =
    (shape: string) =>
    (v: unknown): Body => ({ contentType: 'application/json', body: jsonText(v), shape });
  const raw = rawHostileBody.map((b): Body => ({ contentType: 'application/json', body: b, shape: 'raw hostile JSON text' }));
  const ndjson = hostileNdjson.map((b): Body => ({ contentType: 'application/x-ndjson', body: b, shape: 'NDJSON' }));
  if (!op.body) return fc.oneof(hostileValue.map(json('unexpected body')), raw, ndjson);
  const valid = schemaArbitrary(op.body, known.hints);
  const mutation = fc.constantFrom<Mutation>('replace', 'delete', 'extra', 'stringify', 'wrap');
  return fc.oneof(
    {
      arbitrary: fc.tuple(valid, mutation, fc.nat(), hostileValue).map(([b, k, i, v]) => json(`mutated (${k})`)(mutate(b, k, i, v))),
      weight: 6,
    },
    { arbitrary: hostileValue.map(json('hostile value')), weight: 2 },
    { arbitrary: raw, weight: 2 },
    {
      arbitrary: fc
        .tuple(valid, wrongContentType)
        .map(([b, ct]): Body => ({ contentType: ct, body: jsonText(b), shape: `content-type ${ct}` })),
      weight: 1,
    },
    { arbitrary: valid.map((b): Body => ({ body: jsonText(b), shape: 'no content-type' })), weight: 1 },
    { arbitrary: ndjson, weight: 1 },
    { arbitrary: fc.constant<Body>({ shape: 'no body' }), weight: 1 },
  );
}

/** Requests for one operation: valid where the seeds allow, hostile in one part (or none). */
export function requestArbitrary(op: Operation, known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const valid = op.pathParams.map((name) => fc.constantFrom(...known.param(op.template, name).map(encodeSegment)));
  const anyPart = {
    focus: focusArbitrary,
    segments: fc.tuple(...valid),
    hostileAt: fc.nat(),
    hostileSegment,
    query: queryArbitrary(op, known, false),
    hostileQuery: queryArbitrary(op, known, true),
    body: validBody(op, known),
    hostileBody: hostileBody(op, known),
    caller: validCaller,
    hostileCaller,
  };
  return fc.record(anyPart).map((r) => {
    const segments = [...r.segments];
    if (r.focus === 'path' && segments.length > 0) segments[r.hostileAt % segments.length] = r.hostileSegment;
    let i = 0;
    const path = op.template.replace(/\{[a-z_]+\}/gi, () => segments[i++]!);
    const tenantAt = op.pathParams.indexOf('tenant');
    const query = r.focus === 'query' ? r.hostileQuery : r.query;
    const body = r.focus === 'body' ? r.hostileBody : r.body;
    const caller = r.focus === 'caller' ? r.hostileCaller : r.caller;
    return {
      op: op.key,
      method: op.method,
      path: path + query,
      caller,
      ...body,
      ...(tenantAt >= 0 ? { pathTenant: segments[tenantAt] } : {}),
    };
  });
}
