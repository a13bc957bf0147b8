import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv and ajv-formats ship CommonJS; under NodeNext their default export is the module namespace.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = (addFormatsModule.default ?? addFormatsModule) as unknown as (ajv: InstanceType<typeof Ajv>) => void;

type Validate = ReturnType<FastifySchemaCompiler<unknown>>;

function makeAjv(coerceTypes: false | 'array') {
  // Unknown fields are an error, not silently dropped; every problem is reported at once.
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

/**
 * Request validation. Query strings and path parameters are text, so `?limit=5` is coerced to a
 * number there; JSON bodies are typed already, so a body's `"name": 42` is an error, not "42".
 * Each route's schema is compiled on the route's first request, not at start-up: compiling all of
 * them took ~0.3 s of every start, and most routes of a server are never called in its lifetime.
 * (A schema that does not compile answers 500 on its route's first call; the API fuzz test calls
 * every operation of /openapi.json.)
 */
export function requestValidatorCompiler(): FastifySchemaCompiler<unknown> {
  let ajvs: { strict: ReturnType<typeof makeAjv>; coercing: ReturnType<typeof makeAjv> } | undefined;
  return ({ schema, httpPart }) => {
    let compiled: Validate | undefined;
    // Fastify reads `errors` off the function it was given, after calling it.
    const validate: Validate = (data: unknown) => {
      ajvs ??= { strict: makeAjv(false), coercing: makeAjv('array') };
      compiled ??= (httpPart === 'body' ? ajvs.strict : ajvs.coercing).compile(schema as object) as Validate;
      const ok = compiled(data);
      validate.errors = compiled.errors;
      return ok;
    };
    return validate;
  };
}
