import assert from 'node:assert/strict';

/**
 * Reading what the system under test answered, failing the test with a clear message when a
 * list is shorter or a value missing, rather than with a TypeError on `undefined` further on.
 */

type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [...R, T]>;

/** The element at `index` (a negative index counts from the end). */
export function at<T>(items: readonly T[], index: number, what = 'the list'): T {
  const i = index < 0 ? items.length + index : index;
  assert.ok(i >= 0 && i < items.length, `${what} has no element ${index}: it has ${items.length}`);
  return items[i] as T;
}

/** The first `n` elements, to destructure: `const [a, b] = atLeast(2, results)`. */
export function atLeast<T, N extends number>(n: N, items: readonly T[], what = 'the list'): Tuple<T, N> {
  assert.ok(items.length >= n, `${what} has ${items.length} elements, expected at least ${n}`);
  return items.slice(0, n) as Tuple<T, N>;
}

/** A value that must be there: a map's or a record's entry, a regular expression's group… */
export function present<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} is missing`);
  return value;
}
