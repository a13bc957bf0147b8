import type { BuiltinConnector } from '../sdk/connector.js';
import { apiConnector } from './api/api-connector.js';
import { csvConnector } from './csv/csv-connector.js';
import { jsonlConnector } from './jsonl/jsonl-connector.js';

/** Every connector that ships with Sinew, by id. */
export const builtinConnectors: ReadonlyMap<string, BuiltinConnector> = new Map(
  [csvConnector, jsonlConnector, apiConnector].map((c) => [c.definition.id, c]),
);

export function getBuiltinConnector(id: string): BuiltinConnector | undefined {
  return builtinConnectors.get(id);
}
