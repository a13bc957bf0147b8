import { ERROR_CATALOGUE } from '../../../src/errors/catalogue.js';

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Marks of an internal detail in an answer: a stack frame, a source position, Node's internals, a
 * database's own error text, or a path of the server (passed in: the repo, the data dir).
 */
const INTERNAL_MARKS: { name: string; pattern: RegExp }[] = [
  { name: 'a stack frame', pattern: /\n\s+at |\bat (?:async )?[\w$.<>]+ \((?:file:|node:|\/)/ },
  { name: 'a source position', pattern: /\.(?:ts|js|mjs|cjs):\d+/ },
  { name: "Node's internals", pattern: /node:internal|node_modules/ },
  { name: 'a database error', pattern: /SQLITE_|SqliteError|constraint failed|syntax error at or near|relation "/ },
  { name: 'a JavaScript error', pattern: /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): |Cannot read propert|is not a function|is not iterable|Maximum call stack/ },
];

/**
 * What is wrong with one answer (empty when nothing): a 5xx, an internal detail the request did
 * not itself carry (an echoed input is not a leak), or an error body outside the contract
 * `{ error: { code, message, details } }` with a catalogue code that matches the status.
 */
export function problemsOf(res: RawResponse, sent: string, serverPaths: string[]): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  for (const mark of INTERNAL_MARKS) {
    const found = res.text.match(mark.pattern);
    if (found && !sent.includes(found[0])) problems.push(`${mark.name} in the answer: ${JSON.stringify(found[0])}`);
  }
  for (const p of serverPaths) {
    if (res.text.includes(p) && !sent.includes(p)) problems.push(`a server path in the answer: ${p}`);
  }
  if (res.status >= 400) problems.push(...errorShapeProblems(res));
  return problems;
}

function errorShapeProblems(res: RawResponse): string[] {
  if (!res.contentType.startsWith('application/json')) return [`an error answered as ${res.contentType || 'no content type'}`];
  let body: any;
  try {
    body = JSON.parse(res.text);
  } catch {
    return ['an error body that is not JSON'];
  }
  const error = body?.error;
  if (!error || typeof error !== 'object') return ['an error body without `error`'];
  const problems: string[] = [];
  const entry = ERROR_CATALOGUE[error.code as keyof typeof ERROR_CATALOGUE];
  if (!entry) problems.push(`error code ${JSON.stringify(error.code)} is not in the catalogue`);
  else if (entry.status !== res.status) problems.push(`error code ${error.code} answered with ${res.status}, the catalogue says ${entry.status}`);
  if (typeof error.message !== 'string' || error.message === '') problems.push('an error without a message');
  if (!error.details || typeof error.details !== 'object' || Array.isArray(error.details)) problems.push('an error whose details are not an object');
  return problems;
}
