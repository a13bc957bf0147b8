import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ClassifiedLine, classifyLine } from '../../src/singer/line-classifier.js';
import { readLines } from '../../src/singer/line-reader.js';
import { isLosslessNumber, stringifyJson } from '../../src/singer/lossless-json.js';
import type { RecordMessage, SchemaMessage } from '../../src/singer/message.js';
import { at, atLeast } from '../support/elements.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/singer-sdk-streams/', import.meta.url));

async function classifyFile(name: string): Promise<ClassifiedLine[]> {
  const out: ClassifiedLine[] = [];
  for await (const line of readLines(createReadStream(join(FIXTURES, name)))) out.push(classifyLine(line));
  return out;
}

function countTypes(lines: ClassifiedLine[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) {
    const key = l.kind === 'message' ? l.type : 'invalid';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const c = (text: string): ClassifiedLine => classifyLine(Buffer.from(text));

describe('classifyLine on the Singer SDK target test streams', () => {
  // Counts per type for every fixture file; each line of these files is a valid message.
  const expected: Record<string, Record<string, number>> = {
    'array_data.singer': { SCHEMA: 1, RECORD: 4, STATE: 1 },
    'camelcase.singer': { SCHEMA: 1, RECORD: 2 },
    'camelcase_complex_schema.singer': { SCHEMA: 2 },
    'duplicate_records.singer': { SCHEMA: 1, RECORD: 5, STATE: 1 },
    'encoded_string_data.singer': { SCHEMA: 3, RECORD: 28, STATE: 1 },
    'invalid_schema.singer': { SCHEMA: 1 },
    'multiple_state_messages.singer': { SCHEMA: 2, RECORD: 12, STATE: 5 },
    'no_primary_keys.singer': { SCHEMA: 1, RECORD: 3, STATE: 1 },
    'no_primary_keys_append.singer': { SCHEMA: 1, RECORD: 5, STATE: 1 },
    'optional_attributes.singer': { SCHEMA: 1, RECORD: 4, STATE: 1 },
    'pk_updates.singer': { SCHEMA: 2, RECORD: 2 },
    'record_before_schema.singer': { RECORD: 2, SCHEMA: 1 },
    'record_missing_fields.singer': { SCHEMA: 1, RECORD: 2, STATE: 1 },
    'record_missing_key_property.singer': { SCHEMA: 1, RECORD: 1 },
    'record_missing_required_property.singer': { SCHEMA: 1, RECORD: 1 },
    'schema_no_properties.singer': { SCHEMA: 2, RECORD: 4 },
    'schema_updates.singer': { SCHEMA: 4, RECORD: 6, STATE: 1 },
    'special_chars_in_attributes.singer': { SCHEMA: 1, RECORD: 1 },
    'user_location_data.singer': { SCHEMA: 3, RECORD: 11, STATE: 1 },
    'user_location_upsert_data.singer': { SCHEMA: 3, RECORD: 14, STATE: 1 },
  };

  test('every fixture file is covered', async () => {
    assert.deepEqual((await readdir(FIXTURES)).filter((f) => f.endsWith('.singer')).sort(), Object.keys(expected).sort());
  });

  for (const [file, counts] of Object.entries(expected)) {
    test(`${file}: message counts`, async () => {
      const lines = await classifyFile(file);
      assert.deepEqual(countTypes(lines), counts);
      // The fast path and the full parse agree on every RECORD.
      for (const line of lines) {
        assert.equal(line.kind, 'message');
        if (line.kind !== 'message') continue;
        const message = line.message();
        assert.equal(message.type, line.type);
        assert.equal(line.stream, (message as { stream?: string }).stream ?? null);
        if (line.type === 'RECORD') assert.deepEqual(message, JSON.parse(line.raw.toString('utf8')));
      }
    });
  }

  test('record_before_schema: the first message is a RECORD of a stream with no SCHEMA yet', async () => {
    const [first, second] = atLeast(2, await classifyFile('record_before_schema.singer'));
    assert.equal(first.kind === 'message' && first.type, 'RECORD');
    assert.equal(second.kind === 'message' && second.type, 'SCHEMA');
  });

  test('invalid_schema: a SCHEMA whose schema has no properties is still a message (targets decide)', async () => {
    const [line] = atLeast(1, await classifyFile('invalid_schema.singer'));
    assert.equal(line.kind, 'message');
    const schema = (line.kind === 'message' ? line.message() : null) as SchemaMessage;
    assert.deepEqual(schema.schema, { type: 'object' });
    assert.deepEqual(schema.key_properties, []);
  });

  test('encoded_string_data: unicode, escapes and control characters decode exactly', async () => {
    const records = (await classifyFile('encoded_string_data.singer'))
      .filter((l) => l.kind === 'message' && l.type === 'RECORD')
      .map((l) => (l.kind === 'message' ? (l.message() as RecordMessage).record : {}));
    assert.equal(at(records, 2).info, '简单的字串');
    assert.equal(at(records, 5).info, 'various " \\ / \n escape sequences');
    assert.equal(at(records, 10).info, 'Control Characters in string: \u0000 A \u0001');
    assert.equal(at(records, 9).info, 'Double quoting: \\u0000 \\u0041 \\u0001');
  });

  test('special_chars_in_attributes: stream name and keys with punctuation', async () => {
    const [, record] = atLeast(2, await classifyFile('special_chars_in_attributes.singer'));
    assert.equal(record.kind, 'message');
    if (record.kind !== 'message') return;
    assert.equal(record.stream, 'test:SpecialChars!in?attributes');
    const message = record.message() as RecordMessage;
    assert.deepEqual(message.record.d, { env: 'prod', 'agent:type': 'desktop', 'agent:os:version': '10.13.1' });
    assert.equal(message.version, 1541199424491);
  });
});

describe('classifyLine', () => {
  test('fast path keeps raw bytes and parses lazily and losslessly', () => {
    const text = '{"type": "RECORD", "stream": "users", "record": {"id": 9007199254740993, "d": 1.50}}';
    const line = c(text);
    assert.equal(line.kind, 'message');
    if (line.kind !== 'message') return;
    assert.equal(line.stream, 'users');
    assert.equal(line.raw.toString(), text);
    const message = line.message() as RecordMessage;
    assert.ok(isLosslessNumber(message.record.id));
    assert.equal(line.message(), message, 'parsed once, then cached');
    assert.equal(stringifyJson(message), text.replace(/": /g, '":').replace(/, /g, ','));
  });

  test('stream-first key order and non-ASCII stream names', () => {
    const line = c('{"stream":"naïve 流","type":"RECORD","record":{"a":1}}');
    assert.equal(line.kind === 'message' && line.stream, 'naïve 流');
  });

  test('log lines and non-messages are invalid with a reason, never thrown', () => {
    const cases: Array<[string, RegExp]> = [
      ['INFO Starting sync of users', /not JSON/],
      ['[1,2]', /not a JSON object/],
      ['{"stream":"x"}', /no string "type"/],
      ['{"type":"RECORD","stream":"x"}', /RECORD message has no "record" object/],
      ['{"type":"RECORD","record":{}}', /no string "stream"/],
      ['{"type":"SCHEMA","stream":"x","schema":[]}', /no "schema" object/],
      ['{"type":"STATE"}', /no "value"/],
      ['{"type":"ACTIVATE_VERSION","stream":"x"}', /numeric "version"/],
      ['{"type":"BATCH","stream":"x","encoding":{"format":"jsonl"}}', /"manifest" array/],
    ];
    for (const [text, reason] of cases) {
      const line = c(text);
      assert.equal(line.kind, 'invalid', text);
      if (line.kind === 'invalid') assert.match(line.reason, reason, text);
    }
  });

  test('draft-04 schemas, STATE, ACTIVATE_VERSION, BATCH and unknown types are messages', () => {
    const schema = c(
      '{"type":"SCHEMA","stream":"s","schema":{"type":["null","integer"],"maximum":10,"exclusiveMaximum":true},"key_properties":["id"]}',
    );
    assert.equal(schema.kind === 'message' && schema.type, 'SCHEMA');
    assert.equal(c('{"type":"STATE","value":{"bookmarks":{}}}').kind, 'message');
    assert.equal(c('{"type":"ACTIVATE_VERSION","stream":"s","version":1700000000000}').kind, 'message');
    assert.equal(c('{"type":"BATCH","stream":"s","encoding":{"format":"jsonl"},"manifest":["file:///a.jsonl"]}').kind, 'message');
    const other = c('{"type":"METRIC","value":1}');
    assert.equal(other.kind === 'message' && other.type, 'METRIC');
  });

  test('a truncated RECORD line that passes the fast path fails clearly when parsed', () => {
    const line = c('{"type":"RECORD","stream":"s","record":{"a": [1, }');
    assert.equal(line.kind, 'message');
    if (line.kind === 'message') assert.throws(() => line.message(), /malformed RECORD line for stream "s"/);
  });
});
