import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fixtureProgram, pipe, run, sinew, tempDir, writeJson } from './cli-process.js';

// The numbers a double would corrupt: they must come out as the same digits they went in as.
const BIG_DECIMAL = '12345678901234567890.12';
const BIG_INTEGER = '1234567890123456789012345';

const USERS_CSV = `id,name,amount,updated_at
1,alice,${BIG_DECIMAL},2024-01-01T00:00:00Z
2,bob,${BIG_INTEGER},2024-01-02T00:00:00Z
3,"carol, jr",3.5,2024-01-03T00:00:00Z
`;
const ITEMS_CSV = 'sku,qty\nA,1\nB,2\n';

interface Message {
  type: string;
  stream?: string;
  record?: Record<string, unknown>;
  value?: any;
}

/** Every stdout line must be a Singer message: JSON with a type. */
function singerLines(stdout: string): Message[] {
  const lines = stdout.split('\n');
  assert.equal(lines.pop(), '', 'stdout ends with a newline');
  return lines.map((line) => {
    const message = JSON.parse(line) as Message;
    assert.ok(['SCHEMA', 'RECORD', 'STATE'].includes(message.type), `not a Singer message: ${line}`);
    return message;
  });
}

/** A temp dir with `in/` (users.csv, items.csv), an empty `out/`, and config files for both. */
async function csvWorkspace(name: string) {
  const { dir, remove } = await tempDir(name);
  const input = path.join(dir, 'in');
  const output = path.join(dir, 'out');
  await fs.mkdir(input);
  await fs.mkdir(output);
  await fs.writeFile(path.join(input, 'users.csv'), USERS_CSV);
  await fs.writeFile(path.join(input, 'items.csv'), ITEMS_CSV);
  return {
    dir,
    input,
    output,
    remove,
    tapConfig: await writeJson(dir, 'tap-config.json', { path: input }),
    targetConfig: await writeJson(dir, 'target-config.json', { path: output }),
  };
}

describe('sinew singer tap|target: built-in connectors as Singer programs', { concurrency: true }, () => {
  test('tap csv prints SCHEMA, RECORD and STATE lines, with exact numbers', async () => {
    const w = await csvWorkspace('tap');
    try {
      const r = await run(sinew('singer', 'tap', 'csv', '--config', w.tapConfig));
      assert.equal(r.code, 0, r.stderr);
      const messages = singerLines(r.stdout);
      const users = messages.filter((m) => m.stream === 'users');
      assert.equal(users[0]!.type, 'SCHEMA', 'a stream starts with its SCHEMA');
      assert.deepEqual(
        users.filter((m) => m.type === 'RECORD').map((m) => m.record!.name),
        ['alice', 'bob', 'carol, jr'],
      );
      assert.equal(messages.filter((m) => m.stream === 'items' && m.type === 'RECORD').length, 2);
      const last = messages.at(-1)!;
      assert.equal(last.type, 'STATE');
      assert.deepEqual(last.value.bookmarks.users, { replication_key: 'updated_at', replication_key_value: '2024-01-03T00:00:00Z' });
      // Raw text, since JSON.parse above rounds them.
      assert.match(r.stdout, new RegExp(`"amount":${BIG_DECIMAL.replace('.', '\\.')}[,}]`));
      assert.match(r.stdout, new RegExp(`"amount":${BIG_INTEGER}[,}]`));
      assert.match(r.stderr, /users: 3 records/, 'logs go to stderr');
    } finally {
      await w.remove();
    }
  });

  test('--discover prints a catalog; a --catalog that deselects a stream leaves only the other', async () => {
    const w = await csvWorkspace('catalog');
    try {
      const d = await run(sinew('singer', 'tap', 'csv', '--config', w.tapConfig, '--discover'));
      assert.equal(d.code, 0, d.stderr);
      const catalog = JSON.parse(d.stdout);
      assert.deepEqual(catalog.streams.map((s: any) => s.tap_stream_id).sort(), ['items', 'users']);
      const users = catalog.streams.find((s: any) => s.tap_stream_id === 'users');
      assert.deepEqual(users.key_properties, ['id']);
      assert.equal(users.replication_key, 'updated_at');
      assert.deepEqual(Object.keys(users.schema.properties), ['id', 'name', 'amount', 'updated_at']);
      assert.ok(
        users.metadata.some((m: any) => m.breadcrumb.length === 0),
        'stream-level metadata',
      );

      for (const s of catalog.streams) {
        s.metadata.find((m: any) => m.breadcrumb.length === 0).metadata.selected = s.tap_stream_id === 'items';
      }
      const catalogFile = await writeJson(w.dir, 'catalog.json', catalog);
      const r = await run(sinew('singer', 'tap', 'csv', '--config', w.tapConfig, '--catalog', catalogFile));
      assert.equal(r.code, 0, r.stderr);
      const streams = new Set(
        singerLines(r.stdout)
          .map((m) => m.stream)
          .filter(Boolean),
      );
      assert.deepEqual([...streams], ['items']);
    } finally {
      await w.remove();
    }
  });

  test('--state with a bookmark gives only the newer rows and moves the bookmark', async () => {
    const w = await csvWorkspace('state');
    try {
      const state = await writeJson(w.dir, 'state.json', {
        bookmarks: { users: { replication_key: 'updated_at', replication_key_value: '2024-01-02T00:00:00Z' } },
      });
      const r = await run(sinew('singer', 'tap', 'csv', '--config', w.tapConfig, '--state', state));
      assert.equal(r.code, 0, r.stderr);
      const messages = singerLines(r.stdout);
      assert.deepEqual(
        messages.filter((m) => m.stream === 'users' && m.type === 'RECORD').map((m) => m.record!.id),
        [3],
      );
      assert.equal(
        messages.filter((m) => m.stream === 'items' && m.type === 'RECORD').length,
        2,
        'streams without a bookmark are read whole',
      );
      assert.equal(messages.at(-1)!.value.bookmarks.users.replication_key_value, '2024-01-03T00:00:00Z');
    } finally {
      await w.remove();
    }
  });

  test('tap csv | target jsonl: files per stream, numbers byte for byte, the final state on stdout', async () => {
    const w = await csvWorkspace('csv-jsonl');
    try {
      const { producer, consumer } = await pipe(
        sinew('singer', 'tap', 'csv', '--config', w.tapConfig),
        sinew('singer', 'target', 'jsonl', '--config', w.targetConfig),
      );
      assert.equal(producer.code, 0, producer.stderr);
      assert.equal(consumer.code, 0, consumer.stderr);
      assert.deepEqual((await fs.readdir(w.output)).sort(), ['items.jsonl', 'users.jsonl']);
      assert.equal(
        await fs.readFile(path.join(w.output, 'users.jsonl'), 'utf8'),
        `{"id":1,"name":"alice","amount":${BIG_DECIMAL},"updated_at":"2024-01-01T00:00:00Z"}\n` +
          `{"id":2,"name":"bob","amount":${BIG_INTEGER},"updated_at":"2024-01-02T00:00:00Z"}\n` +
          `{"id":3,"name":"carol, jr","amount":3.5,"updated_at":"2024-01-03T00:00:00Z"}\n`,
      );
      assert.equal(await fs.readFile(path.join(w.output, 'items.jsonl'), 'utf8'), '{"sku":"A","qty":1}\n{"sku":"B","qty":2}\n');
      const states = consumer.stdout.trim().split('\n');
      assert.deepEqual(JSON.parse(states.at(-1)!).bookmarks.users.replication_key_value, '2024-01-03T00:00:00Z');
    } finally {
      await w.remove();
    }
  });

  test('tap jsonl | target csv: the CSV files hold the records, quoted where needed, numbers exact', async () => {
    const { dir, remove } = await tempDir('jsonl-csv');
    try {
      const input = path.join(dir, 'in');
      const output = path.join(dir, 'out');
      await fs.mkdir(input);
      await fs.mkdir(output);
      await fs.writeFile(
        path.join(input, 'accounts.jsonl'),
        `{"id":1,"name":"Acme, Inc.","balance":${BIG_DECIMAL}}\n{"id":2,"name":"say \\"hi\\"","balance":${BIG_INTEGER}}\n`,
      );
      const { producer, consumer } = await pipe(
        sinew('singer', 'tap', 'jsonl', '--config', await writeJson(dir, 'tap.json', { path: input })),
        sinew('singer', 'target', 'csv', '--config', await writeJson(dir, 'target.json', { path: output })),
      );
      assert.equal(producer.code, 0, producer.stderr);
      assert.equal(consumer.code, 0, consumer.stderr);
      assert.equal(
        await fs.readFile(path.join(output, 'accounts.csv'), 'utf8'),
        `id,name,balance\n1,"Acme, Inc.",${BIG_DECIMAL}\n2,"say ""hi""",${BIG_INTEGER}\n`,
      );
    } finally {
      await remove();
    }
  });

  for (const tap of ['tap-numbers.py', 'tap-numbers.mjs']) {
    test(`${tap} | sinew singer target csv: a foreign tap's big numbers land exactly`, async () => {
      const { dir, remove } = await tempDir('foreign-tap');
      try {
        const { producer, consumer } = await pipe(
          fixtureProgram(tap, '--config', await writeJson(dir, 'tap.json', { records: 3 })),
          sinew('singer', 'target', 'csv', '--config', await writeJson(dir, 'target.json', { path: dir })),
        );
        assert.equal(producer.code, 0, producer.stderr);
        assert.equal(consumer.code, 0, consumer.stderr);
        const users = (await fs.readFile(path.join(dir, 'users.csv'), 'utf8')).trim().split('\n');
        assert.equal(users[0], 'id,name,email,big_id,balance,updated_at');
        // tap-numbers writes big_id = 2^53 + 1 + id and balance = (10^18 + id).(id * 7919, 19 digits)
        assert.equal(
          users[2],
          '2,user 2,user2@example.com,9007199254740995,1000000000000000002.0000000000000015838,2024-01-01T00:00:02.000Z',
        );
        assert.equal(users.length, 4);
        const orders = (await fs.readFile(path.join(dir, 'orders.csv'), 'utf8')).trim().split('\n');
        assert.equal(orders[3], '3,3,111.03,9007199254740993003,2024-01-01T00:00:03.000Z');
        assert.equal(JSON.parse(consumer.stdout.trim().split('\n').at(-1)!).bookmarks.orders.id, 3);
      } finally {
        await remove();
      }
    });
  }

  for (const target of ['target-jsonl.py', 'target-jsonl.mjs']) {
    test(`sinew singer tap jsonl | ${target}: a foreign target receives every record's exact text`, async () => {
      const { dir, remove } = await tempDir('foreign-target');
      try {
        const input = path.join(dir, 'in');
        const output = path.join(dir, 'out');
        await fs.mkdir(input);
        await fs.mkdir(output);
        const lines = [`{"id":1,"v":${BIG_DECIMAL},"n":{"x":[1,2.50]}}`, `{"id":2,"v":${BIG_INTEGER},"n":null}`];
        await fs.writeFile(path.join(input, 'events.jsonl'), `${lines.join('\n')}\n`);
        const { producer, consumer } = await pipe(
          sinew('singer', 'tap', 'jsonl', '--config', await writeJson(dir, 'tap.json', { path: input })),
          fixtureProgram(target, '--config', await writeJson(dir, 'target.json', { path: output })),
        );
        assert.equal(producer.code, 0, producer.stderr);
        assert.equal(consumer.code, 0, consumer.stderr);
        assert.equal(await fs.readFile(path.join(output, 'events.jsonl'), 'utf8'), `${lines.join('\n')}\n`);
      } finally {
        await remove();
      }
    });
  }

  test('a target skips lines that are not Singer messages, with a warning, and still succeeds', async () => {
    const { dir, remove } = await tempDir('target-noise');
    try {
      const stdin = [
        'INFO a log line a tap printed on stdout',
        '{"type":"SCHEMA","stream":"s","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]}',
        '{"type":"RECORD","stream":"s","record":{"id":1}}',
        '{"type":"STATE","value":{"done":true}}',
      ].join('\n');
      const r = await run(sinew('singer', 'target', 'jsonl', '--config', await writeJson(dir, 'target.json', { path: dir })), { stdin });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /skipping line 1/);
      assert.equal(await fs.readFile(path.join(dir, 's.jsonl'), 'utf8'), '{"id":1}\n');
      assert.equal(r.stdout, '{"done":true}\n');
    } finally {
      await remove();
    }
  });

  describe('bad usage exits 2 with a message on stderr; a connector error exits 1', { concurrency: true }, () => {
    const usage: Array<[string, string[], RegExp]> = [
      ['missing --config', ['singer', 'tap', 'csv'], /--config <file> is required/],
      ['an unknown connector', ['singer', 'tap', 'nope', '--config', 'c.json'], /no built-in connector nope/],
      [
        'a missing config file',
        ['singer', 'tap', 'csv', '--config', '/nonexistent/sinew-config.json'],
        /cannot read the config file .*ENOENT/,
      ],
      ['an unknown flag', ['singer', 'tap', 'csv', '--config', 'c.json', '--bogus'], /unknown argument --bogus/],
      ['no role', ['singer'], /sinew singer tap\|target <connector>/],
      ['a connector that cannot be a target', ['singer', 'target', 'api', '--config', 'c.json'], /cannot act as a target/],
      ['an unknown command', ['frobnicate'], /unknown command frobnicate/],
      ['no command at all', [], /usage:/],
    ];
    for (const [what, args, message] of usage) {
      test(what, async () => {
        const r = await run(sinew(...args));
        assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stderr, message);
      });
    }

    test('a config whose directory does not exist', async () => {
      const { dir, remove } = await tempDir('bad-config');
      try {
        const config = await writeJson(dir, 'c.json', { path: path.join(dir, 'missing') });
        const r = await run(sinew('singer', 'tap', 'csv', '--config', config));
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /config\.path ".*missing" does not exist/);
        assert.equal(r.stdout, '');
      } finally {
        await remove();
      }
    });

    test('a catalog that selects a stream with no file', async () => {
      const w = await csvWorkspace('no-file');
      try {
        const catalog = await writeJson(w.dir, 'catalog.json', {
          streams: [
            {
              tap_stream_id: 'ghost',
              stream: 'ghost',
              schema: { type: 'object', properties: {} },
              metadata: [{ breadcrumb: [], metadata: { selected: true } }],
            },
          ],
        });
        const r = await run(sinew('singer', 'tap', 'csv', '--config', w.tapConfig, '--catalog', catalog));
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /stream "ghost" is selected but .* has no such file/);
      } finally {
        await w.remove();
      }
    });
  });
});
