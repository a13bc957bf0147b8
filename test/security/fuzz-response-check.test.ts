import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemsOf } from './fuzz/response-check.js';

const leak = 'TypeError: x is not a function\n    at run (/srv/sinew/dist/a.js:1:2)';

/** The fuzz's judge of one answer: what it forgives in a served script is only that, and only when it succeeded. */
test("the fuzz finds internal details in Sinew's answers, not in the code of a script or style sheet it serves", () => {
  assert.ok(problemsOf({ status: 200, contentType: 'application/json', text: JSON.stringify({ note: leak }) }, '', []).length > 0);
  assert.ok(problemsOf({ status: 200, contentType: 'text/plain; charset=utf-8', text: leak }, '', []).length > 0);
  assert.deepEqual(problemsOf({ status: 200, contentType: 'text/javascript; charset=utf-8', text: leak }, '', []), []);
  assert.deepEqual(problemsOf({ status: 200, contentType: 'text/css; charset=utf-8', text: '.a{}/* node_modules */' }, '', []), []);
  // A script that failed is no file served as it is: everything is checked.
  const failed = problemsOf({ status: 500, contentType: 'text/javascript', text: leak }, '', []);
  assert.ok(failed.includes('status 500') && failed.some((p) => p.startsWith('a JavaScript error')), failed.join('; '));
  // The server's own paths stay forbidden in any answer.
  assert.deepEqual(problemsOf({ status: 200, contentType: 'text/javascript', text: 'x="/srv/data"' }, '', ['/srv/data']), [
    'a server path in the answer: /srv/data',
  ]);
});
