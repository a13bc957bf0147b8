import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogFollower, logSections } from '../../src/cli/log-follower.js';

/** The logs endpoint's answer for these log files (job-service joins sections with a newline). */
const answer = (files: Record<string, string>): string =>
  Object.entries(files)
    .filter(([, body]) => body.length > 0)
    .map(([name, body]) => `==> ${name} <==\n${body}`)
    .join('\n');

test('logSections recovers each log file exactly, last section or not', () => {
  const files = { job: 'a\nb\n', tap: 'partial line', etl: 'console.log line\n', target: 'x\n' };
  assert.deepEqual(Object.fromEntries(logSections(answer(files))), files);
  assert.deepEqual([...logSections('')], []);
});

test('LogFollower prints each new piece once, re-heading a section when the output switches to it', () => {
  let out = '';
  const follower = new LogFollower({ write: (text: string) => (out += text) });
  follower.update(answer({ job: 'started\n' }));
  follower.update(answer({ job: 'started\n', tap: 'tap 1\n' }));
  follower.update(answer({ job: 'started\n', tap: 'tap 1\n' })); // nothing new
  // The job log grows *above* the tap section: a length-based "rest of the text" would go wrong here.
  follower.update(answer({ job: 'started\nsynced\n', tap: 'tap 1\ntap 2\n', target: 'wrote\n' }));
  assert.equal(
    out,
    '==> job <==\nstarted\n' +
      '\n==> tap <==\ntap 1\n' +
      '\n==> job <==\nsynced\n' +
      '\n==> tap <==\ntap 2\n' +
      '\n==> target <==\nwrote\n',
  );
});

test('a finished job printed in one go reads exactly like the logs endpoint', () => {
  let out = '';
  const text = answer({ job: 'one\ntwo\n', tap: 'three\n', etl: 'three and a half\n', target: 'four\n' });
  new LogFollower({ write: (t: string) => (out += t) }).update(text);
  assert.equal(out, text);
});
