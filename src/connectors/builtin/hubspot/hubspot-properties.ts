import { isLosslessNumber, stringifyJson } from '../../../singer/lossless-json.js';
import { fieldsWithoutExternalId } from '../../sdk/write-record.js';

/**
 * A record as HubSpot `properties`: every value is text, as HubSpot stores it (numbers keep their
 * exact digits, booleans `true`/`false`, objects and arrays as JSON, null clears the property).
 * `externalId` is Sinew's, not a HubSpot property: it goes through the record-id map instead.
 */
export function hubspotProperties(record: Record<string, unknown>): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(fieldsWithoutExternalId(record))) {
    if (value === null || value === undefined) properties[key] = '';
    else if (typeof value === 'string') properties[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') properties[key] = String(value);
    else if (isLosslessNumber(value)) properties[key] = value.toString();
    else properties[key] = stringifyJson(value);
  }
  return properties;
}
