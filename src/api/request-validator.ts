import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv and ajv-formats ship CommonJS; under NodeNext their default export is the module namespace.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = (addFormatsModule.default ?? addFormatsModule) as unknown as (ajv: InstanceType<typeof Ajv>) => void;

function makeAjv(coerceTypes: false | 'array') {
  // Unknown fields are an error, not silently dropped; every problem is reported at once.
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

/**
 * Request validation. Query strings and path parameters are text, so `?limit=5` is coerced to a
 * number there; JSON bodies are typed already, so a body's `"name": 42` is an error, not "42".
 */
export function requestValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv(false);
  const coercing = makeAjv('array');
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
