import AjvModule from 'ajv';
import { invalid } from '../errors/sinew-error.js';
import type { JsonSchema } from '../model/json-schema.js';

// ajv ships CommonJS; under NodeNext its default export is the module namespace.
const Ajv = AjvModule.default ?? AjvModule;
// Connector schemas come from third-party taps: be lenient about unknown keywords.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile> | null>();

/** Validates a connector config against its definition's JSON Schema; a schema ajv cannot compile is not enforced. */
export function validateConnectorConfig(connectorId: string, schema: JsonSchema | null | undefined, config: unknown): void {
  if (!schema || Object.keys(schema).length === 0) return;
  let validate = compiled.get(schema);
  if (validate === undefined) {
    try {
      validate = ajv.compile(schema);
    } catch {
      validate = null;
    }
    compiled.set(schema, validate);
  }
  if (validate && !validate(config)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw invalid(`config for connector ${connectorId} is invalid: ${problems.join('; ')}`, { connector_id: connectorId, problems });
  }
}
