import assert from 'node:assert/strict';
import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ApiResponse } from './sinew-harness.js';

// ajv and ajv-formats ship CommonJS; under NodeNext their default export is the module namespace.
const Ajv2020 = Ajv2020Module.default;
const addFormats = (addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule;

type Json = Record<string, any>;
export interface Operation {
  method: string;
  path: string;
  op: Json;
}

/** `#/components/schemas/X` replaced by X itself (the document's refs are all local and not recursive). */
function inlineRefs(schema: unknown, doc: Json): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, doc));
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const name = /^#\/components\/schemas\/(.+)$/.exec(s.$ref)?.[1];
    assert.ok(name && doc.components.schemas[name], `unresolvable $ref ${s.$ref}`);
    return inlineRefs(doc.components.schemas[name], doc);
  }
  return Object.fromEntries(
    Object.entries(s).map(([k, v]) => [
      k,
      k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, inlineRefs(ps, doc)])) : inlineRefs(v, doc),
    ]),
  );
}

/**
 * An object schema that lists its properties and says nothing of others is taken as closed: an
 * answer field the schema does not name is an error, so every field the code returns is
 * documented. A schema that means "any fields" says `additionalProperties: true`.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = Object.fromEntries(
    Object.entries(schema as Json).map(([k, v]) => [
      k,
      k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, closed(ps)])) : closed(v),
    ]),
  );
  if (s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
  return s;
}

/** Every operation of the document, and the one a concrete request was routed to (static segments win, as in Fastify). */
export class OpenApiDocument {
  readonly operations: Operation[];
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: Json) {
    (addFormats as (ajv: unknown) => void)(this.ajv);
    this.operations = Object.entries(doc.paths as Json).flatMap(([path, ops]) =>
      Object.entries(ops as Json).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Json })),
    );
  }

  /**
   * The operation a request goes to (static segments win, as in Fastify). `named`: the path is
   * written as in docs, where a `{param}` segment must meet a parameter of the route.
   */
  findOperation(method: string, url: string, opts: { named?: boolean } = {}): Operation | undefined {
    const segments = url.split('?')[0]!.split('/');
    const isParam = (t: string) => /^\{\w+\}$/.test(t);
    let best: { op: Operation; literals: number } | undefined;
    for (const op of this.operations) {
      if (op.method !== method) continue;
      const template = op.path.split('/');
      if (template.length !== segments.length) continue;
      const fits = template.every((t, i) => {
        const s = segments[i]!;
        if (opts.named && isParam(s)) return isParam(t);
        return isParam(t) || t === decodeURIComponent(s);
      });
      if (!fits) continue;
      const literals = template.filter((t) => !isParam(t)).length;
      if (!best || literals > best.literals) best = { op, literals };
    }
    return best?.op;
  }

  operationOf(method: string, url: string): Operation {
    const op = this.findOperation(method, url);
    assert.ok(op, `${method} ${url} matches no operation of /openapi.json`);
    return op;
  }

  /** A schema, its `$ref` to a component followed. */
  resolve(schema: Json): Json {
    return typeof schema.$ref === 'string' ? (inlineRefs(schema, this.doc) as Json) : schema;
  }

  /**
   * Checks one real answer against the document: its status is documented for the route (an
   * error status by its own entry, not only `default`), its media type too, and its body
   * validates against the schema, closed as above.
   */
  check(method: string, url: string, res: ApiResponse): Operation {
    const operation = this.operationOf(method, url);
    const where = `${method} ${operation.path} → ${res.status}`;
    const documented = operation.op.responses[String(res.status)];
    assert.ok(documented, `${where} is not documented (${res.text.slice(0, 200)})`);
    if (!documented.content) {
      assert.equal(res.text, '', `${where} has no body in the document`);
      return operation;
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = documented.content[type];
    assert.ok(media, `${where}: answered ${type}, documented ${Object.keys(documented.content).join(', ')}`);
    const body = type === 'application/json' ? res.body : res.text;
    const key = `${where} ${type}`;
    const validate = this.validators.get(key) ?? this.ajv.compile(closed(inlineRefs(media.schema, this.doc)) as object);
    this.validators.set(key, validate);
    assert.ok(
      validate(body),
      `${where}: the answer does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${res.text.slice(0, 600)}`,
    );
    return operation;
  }
}
