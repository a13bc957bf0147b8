import fs from 'node:fs/promises';
import path from 'node:path';
import { parseJson, stringifyJson } from '../../src/singer/lossless-json.js';

/** The lines a jsonl target wrote for a stream. */
async function lines(out: string, stream: string): Promise<string[]> {
  return (await fs.readFile(path.join(out, `${stream}.jsonl`), 'utf8')).split('\n').filter(Boolean);
}

export async function jsonlLineCount(out: string, stream: string): Promise<number> {
  return (await lines(out, stream)).length;
}

/**
 * What an appending jsonl target holds for a stream, keyed by `id`: the last line of each id
 * winning (an incremental source sends the boundary row again), in id order, each record printed
 * with only `fields`, numbers exact. Comparable to the source's rows printed the same way.
 */
export async function jsonlDestination(out: string, stream: string, fields: readonly string[]): Promise<string[]> {
  const byId = new Map<string, Record<string, unknown>>();
  for (const line of await lines(out, stream)) {
    const record = parseJson(line) as Record<string, unknown>;
    byId.set(String(record.id), record);
  }
  return [...byId.values()]
    .sort((a, b) => (BigInt(String(a.id)) < BigInt(String(b.id)) ? -1 : 1))
    .map((r) => stringifyJson(Object.fromEntries(fields.map((f) => [f, r[f]]))));
}
