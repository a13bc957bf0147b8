import { SchemaInferrer } from '../connectors/builtin/schema-inference.js';
import { withPartialResults } from '../connectors/builtin/write/write-failure.js';
import { recordIdText, type WriteRecord } from '../connectors/sdk/write-record.js';
import { failed, type ReportedWriteResult, resultsIn, type WriteResult } from '../connectors/sdk/write-result.js';
import { SecretScrubber } from '../crypto/secret-scrubber.js';
import { SinewError } from '../errors/sinew-error.js';
import { ConnectorRunDir } from '../runtime/connector-run-dir.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import { readLines } from '../singer/line-reader.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { describeExit, startSingerProcess } from '../singer/singer-process.js';
import { parseTargetStateLine } from '../singer/target-state.js';
import type { RecordWriter } from './record-writer.js';

/** A real-time write through a registered Singer target is bounded like a job step would be. */
const WRITE_TIMEOUT_MS = 120_000;

/**
 * A registered Singer target that speaks the write protocol, started once per real-time write
 * (SCHEMA + the RECORDs on stdin, results read from stdout). Its config in clear lives only in a
 * 0700 temp dir for that run. Results are matched to records by external id, or by hash for
 * records without one; a record the target did not answer for is a failure.
 */
export class SingerRecordWriter implements RecordWriter {
  constructor(
    private readonly command: string[],
    private readonly config: Record<string, unknown>,
    private readonly env: Record<string, string>,
    /** SINEW_CONNECTOR_USER: the registered target runs as this account. */
    private readonly user: ConnectorUser | null = null,
  ) {}

  async write(stream: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const dir = await ConnectorRunDir.open('write', this.user);
    try {
      const configPath = await dir.writePrivate('config.json', stringifyJson(this.config));
      const target = startSingerProcess({
        command: this.command,
        args: ['--config', configPath],
        ...dir.spawnOptions(this.env),
        stdin: 'pipe',
        name: 'target',
      });
      const timer = setTimeout(() => target.kill('SIGKILL'), WRITE_TIMEOUT_MS);
      try {
        const reported: ReportedWriteResult[] = [];
        const reading = (async () => {
          for await (const line of readLines(target.stdout)) {
            const state = parseTargetStateLine(line);
            if (state) for (const [s, results] of resultsIn(state)) if (s === stream) reported.push(...results);
          }
        })();
        target.stdin!.on('error', () => {}); // a target that dies early: its exit tells why
        target.stdin!.end(messagesFor(stream, records));
        const [exit] = await Promise.all([target.exited, reading]);
        const results = matchResults(records, reported);
        if (exit.code !== 0) {
          // The caller (perhaps a tenant) reads this: the target's stderr must not hand it the config.
          const said = SecretScrubber.ofConnectors([{ config: this.config, config_schema: null }]).scrub(
            describeExit('target', exit, target.stderrTail()),
          );
          const error = new SinewError('CONNECTOR_FAILED', said, { write_impossible: true });
          throw withPartialResults(
            error,
            results.filter((r) => r.success),
          );
        }
        return results;
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await dir.dispose();
    }
  }

  async close(): Promise<void> {}
}

function messagesFor(stream: string, records: WriteRecord[]): string {
  const inferrer = new SchemaInferrer();
  for (const r of records) inferrer.observe(r.record);
  const lines = [stringifyJson({ type: 'SCHEMA', stream, schema: inferrer.schema(), key_properties: [] })];
  for (const r of records) {
    const record = r.remoteId !== null ? { ...r.record, __sinew_remote_id: r.remoteId } : r.record;
    lines.push(stringifyJson({ type: 'RECORD', stream, record }));
  }
  return `${lines.join('\n')}\n`;
}

/** The reported results in the records' order: by external id, else by hash (first come, first served). */
function matchResults(records: WriteRecord[], reported: ReportedWriteResult[]): WriteResult[] {
  const byExternal = new Map<string, ReportedWriteResult>();
  const byHash = new Map<string, ReportedWriteResult[]>();
  for (const r of reported) {
    const external = recordIdText(r.externalId);
    if (external !== null) byExternal.set(external, r);
    else if (typeof r.hash === 'string') (byHash.get(r.hash) ?? byHash.set(r.hash, []).get(r.hash)!).push(r);
  }
  return records.map((record) => {
    const r = record.externalId !== null ? byExternal.get(record.externalId) : byHash.get(record.hash)?.shift();
    if (!r) return failed(record, 'the target reported no result for this record');
    const result: WriteResult = {
      hash: typeof r.hash === 'string' ? r.hash : record.hash,
      success: r.success,
      id: recordIdText(r.id),
      externalId: record.externalId,
      error: r.error === null || r.error === undefined ? null : typeof r.error === 'string' ? r.error : stringifyJson(r.error),
    };
    if (r.existing !== undefined) result.existing = r.existing;
    if (r.updated !== undefined) result.updated = r.updated;
    if (r.deleted) result.deleted = true;
    return result;
  });
}
