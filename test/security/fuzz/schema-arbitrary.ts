import fc from 'fast-check';

/** The JSON Schema subset Sinew's route schemas use (what /openapi.json publishes). */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
}

/**
 * Values that make a field mean something to Sinew (a connector that exists, a cron it parses),
 * keyed by property name: schema-random strings alone rarely get past the services' own checks,
 * so without these the fuzz would stop at the first 4xx of every route.
 */
export type FieldHints = Record<string, fc.Arbitrary<unknown>>;

const MAX_DEPTH = 5;

/**
 * A fast-check arbitrary of values that satisfy `schema`, or nearly: "valid-looking" bodies whose
 * fields are then mutated by the request generator. Unknown keywords are ignored.
 */
export function schemaArbitrary(schema: JsonSchema | undefined, hints: FieldHints, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > MAX_DEPTH) return fc.constant({});
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => schemaArbitrary(s, hints, depth + 1)));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['object'];
  return fc.oneof(...types.map((t) => typedArbitrary(t, schema, hints, depth)));
}

function typedArbitrary(type: string, schema: JsonSchema, hints: FieldHints, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(schemaArbitrary(schema.items ?? { type: 'string' }, hints, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: 4,
      });
    default:
      return objectArbitrary(schema, hints, depth);
  }
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'date-time')
    return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'uri') return fc.webUrl();
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern), { maxLength: schema.maxLength });
  const min = schema.minLength ?? 0;
  return fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, Math.min(schema.maxLength ?? 24, 24)) });
}

function objectArbitrary(schema: JsonSchema, hints: FieldHints, depth: number): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, sub] of Object.entries(props)) {
    // A hint names a value, not a shape: a property with an enum or properties of its own keeps its schema.
    const hint = sub.enum || sub.properties ? undefined : hints[name];
    model[name] = hint
      ? fc.oneof({ arbitrary: hint, weight: 4 }, { arbitrary: schemaArbitrary(sub, hints, depth + 1), weight: 1 })
      : schemaArbitrary(sub, hints, depth + 1);
  }
  const declared = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in model) });
  const extra = schema.additionalProperties;
  if (extra === false || extra === undefined || Object.keys(props).length > 0) return declared;
  // A free-form object (a config, a state): a few keys of the given shape, or of any JSON.
  const values = extra === true ? fc.jsonValue({ maxDepth: 2 }) : schemaArbitrary(extra, hints, depth + 1);
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 4 });
}
