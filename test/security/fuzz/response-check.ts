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
  {
    name: 'a JavaScript error',
    pattern:
      /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): |Cannot read propert|is not a function|is not iterable|Maximum call stack/,
  },
];

/**
 * What is wrong with one answer (empty when nothing): a 5xx, an internal detail the request did
 * not itself carry (an echoed input is not a leak), or an error body outside the contract
 * `{ error: { code, message, details } }` with a catalogue code that matches the status.
 */
export function problemsOf(res: RawResponse, sent: string, serverPaths: string[]): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  // A 2xx script or style sheet is a file served as it is (/docs: Swagger UI's bundle), whose own
  // code holds these words; Sinew writes no answer of its own in those types.
  const programText = res.status < 300 && /^text\/(?:javascript|css)\b/.test(res.contentType);
  for (const mark of programText ? [] : INTERNAL_MARKS) {
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
  else if (entry.status !== res.status)
    problems.push(`error code ${error.code} answered with ${res.status}, the catalogue says ${entry.status}`);
  if (typeof error.message !== 'string' || error.message === '') problems.push('an error without a message');
  if (!error.details || typeof error.details !== 'object' || Array.isArray(error.details))
    problems.push('an error whose details are not an object');
  return problems;
}

/** What the trust boundary allows (docs/security.md): whether `caller` may get a 2xx from this route. */
export interface BoundaryCase {
  route: 'anyone' | 'owner' | 'tenant';
  caller: string;
  /** The {tenant} segment sent, if any; the tenant caller's token is for `tokenTenant`. */
  pathTenant?: string;
  tokenTenant: string;
}

/** A 2xx the caller had no right to (empty when the answer is not a 2xx, or it was allowed). */
export function boundaryProblem(status: number, c: BoundaryCase): string | null {
  if (status < 200 || status >= 300 || c.route === 'anyone' || c.caller === 'owner') return null;
  if (!['tenant', 'query-token', 'other-tenant'].includes(c.caller))
    return `a ${status} for a caller with no valid credentials (${c.caller}) on a route for ${c.route === 'owner' ? 'the owner' : 'tenants'}`;
  if (c.route === 'owner') return `a ${status} for a tenant (${c.caller}) on an owner route`;
  if (c.pathTenant !== undefined && c.pathTenant !== c.tokenTenant)
    return `a ${status} for tenant ${c.tokenTenant} on tenant ${c.pathTenant}'s route`;
  return null;
}
