import AjvModule, { type ErrorObject } from 'ajv';
import { invalid } from '../../errors/sinew-error.js';

// ajv ships CommonJS; under NodeNext its default export is the module namespace.
const Ajv = AjvModule.default ?? AjvModule;
// useDefaults: a default is written once, in the schema owners and tenants read (GET /connectors,
// the widget's form), and the reader gets it filled in. Unknown keywords (description, writeOnly) pass.
const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true, validateFormats: false });

/** The config field an error is about: the missing property, or the first segment of its path. */
function fieldOf(error: ErrorObject): string {
  if (error.keyword === 'required') return String((error.params as { missingProperty: string }).missingProperty);
  return error.instancePath.split('/').filter(Boolean).join('.') || '/';
}

/**
 * The reader of a built-in connector's config from its JSON Schema: checks it (a 400 naming the
 * field, `<connector>: config.<field> <problem>`), fills in the schema's defaults and types the
 * result from the schema (`T` is `FromSchema<typeof schema>` from json-schema-to-ts, which treats a
 * property with a default as present), so no default or limit is written twice.
 * Nulls count as "not set", and so do blank strings unless `blankIsUnset` is false (forms send them
 * for fields left empty; a file connector's `delimiter: ""` is a mistake to refuse instead).
 */
export function configReader<T>(
  connectorId: string,
  schema: object,
  opts: { blankIsUnset: boolean } = { blankIsUnset: true },
): (config: Record<string, unknown>) => T {
  // Compiled when first read, not when the connector's module loads (every process loads them all).
  let validate: ReturnType<typeof ajv.compile> | undefined;
  return (config) => {
    validate ??= ajv.compile(schema);
    // A shallow copy is enough: the defaults are top-level properties, and the caller's object stays as it was.
    const copy: Record<string, unknown> = Object.fromEntries(
      Object.entries(config).filter(([, v]) => v !== null && !(opts.blankIsUnset && typeof v === 'string' && v.trim() === '')),
    );
    if (!validate(copy)) {
      const errors = validate.errors ?? [];
      const problems = errors.map((e) => `config.${fieldOf(e)} ${e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid')}`);
      const first = errors[0];
      const field = first ? fieldOf(first).split('.')[0] : undefined;
      throw invalid(`${connectorId}: ${problems[0] ?? 'config is invalid'}`, { field, problems });
    }
    return copy as T;
  };
}
