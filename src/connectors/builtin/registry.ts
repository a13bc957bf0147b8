import type { BuiltinConnector } from '../sdk/connector.js';
import { apiConnector } from './api/api-connector.js';
import { csvConnector } from './csv/csv-connector.js';
import { httpConnector } from './http/http-connector.js';
import { hubspotConnector } from './hubspot/hubspot-connector.js';
import { jsonlConnector } from './jsonl/jsonl-connector.js';
import { mysqlConnector } from './mysql/mysql-connector.js';
import { postgresConnector } from './postgres/postgres-connector.js';
import { salesforceConnector } from './salesforce/salesforce-connector.js';

/** Every connector that ships with Sinew, by id. */
export const builtinConnectors: ReadonlyMap<string, BuiltinConnector> = new Map(
  [csvConnector, jsonlConnector, apiConnector, postgresConnector, mysqlConnector, httpConnector, hubspotConnector, salesforceConnector].map(
    (c) => [c.definition.id, c],
  ),
);

export function getBuiltinConnector(id: string): BuiltinConnector | undefined {
  return builtinConnectors.get(id);
}
