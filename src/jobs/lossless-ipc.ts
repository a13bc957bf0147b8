import { parseJson, stringifyJson } from '../singer/lossless-json.js';

/**
 * Every message between a worker and its job process crosses the IPC channel as lossless JSON
 * text. `process.send`'s own serialisation is plain JSON: a LosslessNumber (e.g. the
 * `"maximum": 9223372036854775807` tap-postgres puts in every bigint column's schema) would arrive
 * as `{"value":"…","isLosslessNumber":true}` and be stored that way. A string travels untouched.
 */
export function encodeIpc(message: unknown): string {
  return stringifyJson(message);
}

export function decodeIpc<T>(raw: unknown): T {
  if (typeof raw !== 'string') throw new TypeError(`internal: an IPC message that is not lossless JSON text (${typeof raw})`);
  return parseJson(raw) as T;
}
