import { SinewError } from '../errors/sinew-error.js';
import { isLosslessNumber, parseJson } from './lossless-json.js';
import type { OtherMessage, SingerMessage } from './message.js';

export type AnyMessage = SingerMessage | OtherMessage;

export type ClassifiedLine =
  | { kind: 'message'; type: string; stream: string | null; raw: Buffer; message(): AnyMessage }
  | { kind: 'invalid'; raw: Buffer; reason: string };

/** How much of a line the RECORD fast path decodes; longer stream names take the slow path. */
const PREFIX_BYTES = 320;

/**
 * The envelope a RECORD line starts with, in either order of `type` and `stream`. Stream names
 * with escapes are left to the full parse (rare, and unescaping them here is not worth it).
 */
const RECORD_TYPE_FIRST = /^\s*\{\s*"type"\s*:\s*"RECORD"\s*,\s*"stream"\s*:\s*"([^"\\]*)"\s*,\s*"record"\s*:\s*\{/;
const RECORD_STREAM_FIRST = /^\s*\{\s*"stream"\s*:\s*"([^"\\]*)"\s*,\s*"type"\s*:\s*"RECORD"\s*,\s*"record"\s*:\s*\{/;

const CLOSING_BRACE = 0x7d;

function lastNonSpaceByte(line: Buffer): number {
  for (let i = line.length - 1; i >= 0; i--) {
    const b = line[i]!; // 0 <= i < line.length
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return b;
  }
  return -1;
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * Classifies one line of a Singer message stream. RECORD lines with the usual envelope are
 * recognised from their first bytes without parsing the record (the pipe passes `raw` through);
 * `message()` parses on demand, losslessly, once. Anything else is parsed and checked; a line
 * that is not a valid Singer message (e.g. a log line a tap printed on stdout) is `invalid`.
 */
export function classifyLine(line: Buffer): ClassifiedLine {
  // latin1 maps byte i to char i, so match offsets are byte offsets into the line.
  const prefix = line.toString('latin1', 0, Math.min(line.length, PREFIX_BYTES));
  const envelope = RECORD_TYPE_FIRST.test(prefix) ? RECORD_TYPE_FIRST : RECORD_STREAM_FIRST;
  const match = envelope.exec(prefix);
  if (match !== null && lastNonSpaceByte(line) === CLOSING_BRACE) {
    let stream = match[1] ?? ''; // the envelope's one group always takes part in a match
    // A non-ASCII stream name was matched byte by byte: decode its bytes as UTF-8.
    if (hasNonAscii(stream)) stream = decodeStreamName(line, prefix, envelope);
    return lazyRecord(line, stream);
  }
  return classifyParsed(line);
}

function decodeStreamName(line: Buffer, prefix: string, envelope: RegExp): string {
  const withIndices = new RegExp(envelope.source, 'd');
  const [start, end] = withIndices.exec(prefix)!.indices![1]!;
  return line.toString('utf8', start, end);
}

function lazyRecord(raw: Buffer, stream: string): ClassifiedLine {
  let parsed: AnyMessage | undefined;
  return {
    kind: 'message',
    type: 'RECORD',
    stream,
    raw,
    message(): AnyMessage {
      if (parsed === undefined) {
        let value: unknown;
        try {
          value = parseJson(raw.toString('utf8'));
        } catch (error) {
          throw new SinewError('VALIDATION_FAILED', `malformed RECORD line for stream "${stream}": ${(error as Error).message}`, {
            stream,
          });
        }
        parsed = value as AnyMessage;
      }
      return parsed;
    },
  };
}

function classifyParsed(raw: Buffer): ClassifiedLine {
  let value: unknown;
  try {
    value = parseJson(raw.toString('utf8'));
  } catch {
    return { kind: 'invalid', raw, reason: 'not JSON' };
  }
  if (!isPlainObject(value)) return { kind: 'invalid', raw, reason: 'not a JSON object' };
  const type = value.type;
  if (typeof type !== 'string') return { kind: 'invalid', raw, reason: 'no string "type"' };
  const problem = missingFields(type, value);
  if (problem !== null) return { kind: 'invalid', raw, reason: `${type} message ${problem}` };
  const message = value as AnyMessage;
  const stream = typeof value.stream === 'string' ? value.stream : null;
  return { kind: 'message', type, stream, raw, message: () => message };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** What a known message type lacks, or null. Unknown types are passed through unchecked. */
function missingFields(type: string, m: Record<string, unknown>): string | null {
  const needsStream = type === 'RECORD' || type === 'SCHEMA' || type === 'ACTIVATE_VERSION' || type === 'BATCH';
  if (needsStream && typeof m.stream !== 'string') return 'has no string "stream"';
  switch (type) {
    case 'RECORD':
      return isPlainObject(m.record) ? null : 'has no "record" object';
    case 'SCHEMA':
      if (!isPlainObject(m.schema)) return 'has no "schema" object';
      if (m.key_properties !== undefined && !Array.isArray(m.key_properties)) return 'has a "key_properties" that is not an array';
      return null;
    case 'STATE':
      return 'value' in m ? null : 'has no "value"';
    case 'ACTIVATE_VERSION':
      return typeof m.version === 'number' || isLosslessNumber(m.version) ? null : 'has no numeric "version"';
    case 'BATCH':
      return Array.isArray(m.manifest) ? null : 'has no "manifest" array';
    default:
      return null;
  }
}
