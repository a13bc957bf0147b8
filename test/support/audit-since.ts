/**
 * A `since` for `GET /{env}/audit` (inclusive) after every entry recorded so far and at or before
 * every later one: the clock has moved past the last millisecond an earlier request could have
 * been recorded in. (Now minus 1 ms took in a request recorded in the millisecond before, and a
 * clean-clone CI failed on it once.)
 */
export async function auditSince(): Promise<string> {
  const last = Date.now();
  while (Date.now() <= last) await new Promise((resolve) => setImmediate(resolve));
  return new Date(last + 1).toISOString();
}
