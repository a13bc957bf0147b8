import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recordIdText } from '../../connectors/sdk/write-record.js';
import type { ReportedWriteResult } from '../../connectors/sdk/write-result.js';
import { readLines } from '../../singer/line-reader.js';
import { parseJson, stringifyJson } from '../../singer/lossless-json.js';
import { JOB_FILES } from '../../storage/job-root.js';
import type { WriteResultCollector } from '../../writes/write-result-collector.js';
import { runTargetOn } from './export-phase.js';
import type { ConnectorRun } from './running-connectors.js';

export const NOT_UNDONE_UPDATE = 'updated (not created) by this job: the values it replaced are not known, so the update cannot be undone';

interface ResultLine {
  stream: string;
  phase?: string;
  success: boolean;
  id: unknown;
  externalId: unknown;
  hash: unknown;
  existing?: boolean;
  updated?: boolean;
  deleted?: boolean;
}

const keyOf = (stream: string, id: string): string => `${stream}\u0000${id}`;

/** A SCHEMA for a stream whose own was never seen (the target only needs one before its records). */
const bareSchema = (stream: string): string =>
  stringifyJson({ type: 'SCHEMA', stream, schema: { type: 'object', properties: {} }, key_properties: [] });

/**
 * Roll back on failure, for writes: every remote record the failed job created (a successful
 * result that was neither an update nor already there) is deleted through the same target with
 * `__sinew_delete`; the record-id map loses those entries as their deletes are confirmed (the
 * resolution listening to the collector removes them). What cannot be undone — updates, deletes
 * the target refused, records it never answered for — is listed in the export details as
 * rollback results that failed. Returns a one-line account for the job's message.
 */
export async function rollBackWrites(args: {
  targetRun: ConnectorRun;
  jobRoot: string;
  collector: WriteResultCollector;
  schemaLine: (stream: string) => Buffer | undefined;
}): Promise<string | null> {
  const { collector } = args;
  await collector.flushed();
  const details = path.join(args.jobRoot, JOB_FILES.exportDetails);
  const exists = await fs.stat(details).then(
    () => true,
    () => false,
  );
  if (!exists) return null;

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-rollback-'));
  try {
    const input = path.join(dir, 'rollback.singer');
    const out = createWriteStream(input);
    const schemasWritten = new Set<string>();
    const pending = new Set<string>();
    const notUndone: Array<[string, ReportedWriteResult]> = [];
    for await (const raw of readLines(createReadStream(details))) {
      let line: ResultLine;
      try {
        line = parseJson(raw.toString('utf8')) as ResultLine;
      } catch {
        continue;
      }
      if (line.phase === 'rollback' || line.success !== true || line.deleted === true || line.existing === true) continue;
      const id = recordIdText(line.id);
      const result = { hash: line.hash ?? null, id: line.id ?? null, externalId: line.externalId ?? null };
      if (line.updated === true) {
        notUndone.push([line.stream, { ...result, success: false, error: NOT_UNDONE_UPDATE }]);
        continue;
      }
      if (id === null) {
        notUndone.push([
          line.stream,
          { ...result, success: false, error: 'the target reported no id for this record, so it cannot be deleted' },
        ]);
        continue;
      }
      const parts: string[] = [];
      if (!schemasWritten.has(line.stream)) {
        parts.push(args.schemaLine(line.stream)?.toString('utf8') ?? bareSchema(line.stream));
        schemasWritten.add(line.stream);
      }
      const record = {
        ...(line.externalId !== null && line.externalId !== undefined ? { externalId: line.externalId } : {}),
        __sinew_remote_id: id,
        __sinew_delete: true,
      };
      parts.push(stringifyJson({ type: 'RECORD', stream: line.stream, record }));
      pending.add(keyOf(line.stream, id));
      if (!out.write(`${parts.join('\n')}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');

    collector.startRollback();
    for (const [stream, result] of notUndone) await collector.add(stream, [result]);
    let stopped: string | null = null;
    if (pending.size > 0) {
      collector.onResults((stream, results) => {
        for (const r of results) {
          const id = recordIdText(r.id);
          if (id !== null) pending.delete(keyOf(stream, id));
        }
      });
      try {
        await runTargetOn(args.targetRun, args.jobRoot, input, collector);
      } catch (e) {
        stopped = (e as Error).message;
      }
      // The target stopped (or never answered for some): those records are still there.
      for (const key of pending) {
        const [stream, id] = key.split('\u0000') as [string, string];
        await collector.add(stream, [
          { hash: null, success: false, id, externalId: null, error: `not deleted: ${stopped ?? 'the target reported no result for it'}` },
        ]);
      }
    }
    const summary = (await collector.finish())?.rollback ?? {};
    let deleted = 0;
    let failed = 0;
    for (const sums of Object.values(summary)) {
      deleted += sums.deleted;
      failed += sums.failed;
    }
    return `rolled back: ${deleted} record(s) this job created were deleted${failed > 0 ? `, ${failed} could not be undone (see the export details, phase=rollback)` : ''}`;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
