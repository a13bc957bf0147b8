import type { Readable } from 'node:stream';

/**
 * Rows of `COPY … TO STDOUT` in PostgreSQL's text format, parsed as the chunks arrive, the rows of
 * a chunk in one array: a row per line, fields split on tabs, `\N` a null, backslash escapes undone. A line holds no raw newline
 * (COPY escapes them) and 0x0A never occurs inside a UTF-8 sequence, so a chunk is cut at its last
 * newline and only the unfinished line is carried over. Iterating pulls the stream, so a slow
 * consumer pauses the COPY (back-pressure): nothing but the current chunk is held.
 */
export async function* copyTextRows(copy: Readable): AsyncGenerator<Array<Array<string | null>>> {
  let carry: Buffer | null = null;
  for await (const chunk of copy as AsyncIterable<Buffer>) {
    const last = chunk.lastIndexOf(0x0a);
    if (last === -1) {
      carry = carry ? Buffer.concat([carry, chunk]) : chunk;
      continue;
    }
    const head = carry ? Buffer.concat([carry, chunk.subarray(0, last)]) : chunk.subarray(0, last);
    carry = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : null;
    yield head.toString('utf8').split('\n').map(fieldsOf);
  }
  if (carry && carry.length > 0) throw new Error('COPY output ended in the middle of a row');
}

function fieldsOf(line: string): Array<string | null> {
  return line.split('\t').map((field) => (field === '\\N' ? null : field.includes('\\') ? unescapeField(field) : field));
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Undoes the text format's backslash escapes (COPY TO writes only the single-letter ones and `\\`). */
export function unescapeField(field: string): string {
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, seq: string) => {
    if (seq.length > 1 && seq[0] === 'x') return String.fromCharCode(Number.parseInt(seq.slice(1), 16));
    if (/^[0-7]+$/.test(seq)) return String.fromCharCode(Number.parseInt(seq, 8));
    return ESCAPES[seq] ?? seq;
  });
}
