import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { PreparedRecord } from '../../connectors/sdk/batch-writer.js';
import { recordIdText, toWriteRecord, type WriteRecord } from '../../connectors/sdk/write-record.js';
import { type ReportedWriteResult, succeeded } from '../../connectors/sdk/write-result.js';
import { classifyLine } from '../../singer/line-classifier.js';
import { LineSplitter } from '../../singer/line-reader.js';
import { stringifyJson } from '../../singer/lossless-json.js';
import type { RecordMessage } from '../../singer/message.js';
import type { WriteResultCollector } from '../../writes/write-result-collector.js';
import type { KnownRecord, RecordIdChannel } from './record-id-channel.js';
import type { RecordIdSave } from './record-id-messages.js';

const NEWLINE = Buffer.from('\n');

/** A record the map has a say in: its message, and its write (stream, external id, hash, remote id). */
interface TrackedRecord {
  message: RecordMessage;
  write: WriteRecord & { externalId: string };
}

/** Records held back for the next round because their external id was still being written. */
interface DeferredFile {
  path: string;
  out: WriteStream;
  schemasWritten: Set<string>;
}

/**
 * What a `prepared` round hands an in-process target: a line to read itself, a RECORD this
 * resolution already parsed (no external id: the map has no say), or a prepared record.
 */
export type RoundItem = Buffer | RecordMessage | PreparedRecord;

const keyOf = (stream: string, externalId: string): string => `${stream}\u0000${externalId}`;

/**
 * The external-id upsert of a job's export, between the records and a target that speaks the
 * write protocol (docs/write-targets.md). For each record with an `externalId` it asks the
 * record-id map (through the worker) what the target system already holds:
 * - the same record (same hash) → not sent; reported `existing` with the known remote id;
 * - another version → sent with `__sinew_remote_id`, so the target updates that remote record
 *   (targets with native external ids upsert by the external id themselves and get nothing added);
 * - nothing → sent as it is: a create.
 * What the target reports back goes into the map as it arrives. A record whose external id is
 * still in flight (sent, no result yet) would become a second create: it is held back in a file
 * and sent in the next round, once the first one's remote id is known. Memory holds only the
 * external ids in flight, which the target's batching bounds.
 */
export class RecordIdResolution {
  private readonly inFlight = new Map<string, string>();
  /** Results learnt while a lookup was out: they are newer than what the lookup answers. */
  private window: Map<string, KnownRecord | null> | null = null;
  private readonly schemas = new Map<string, Buffer>();
  private deferred: DeferredFile | null = null;
  private rounds = 0;
  private workDir: string | null = null;

  constructor(
    private readonly channel: RecordIdChannel,
    private readonly collector: WriteResultCollector,
    private readonly injectRemoteIds: boolean,
  ) {
    collector.onResults((stream, results) => this.learn(stream, results));
  }

  /** The last SCHEMA line seen for a stream (rollback sends it before its deletes). */
  schemaLine(stream: string): Buffer | undefined {
    return this.schemas.get(stream);
  }

  /**
   * A transform for one round: Singer lines in, what the target should get out — as bytes for a
   * Singer target (`lines`), or for an in-process one (`prepared`) as arrays of lines it reads
   * itself and the records this resolution already parsed and hashed (RoundItem), so no record is
   * parsed twice.
   */
  round(output: 'lines' | 'prepared' = 'lines'): Transform {
    const splitter = new LineSplitter();
    const prepared = output === 'prepared';
    return new Transform({
      // Room for a few chunks on each side, so the target works through one while the next one's
      // ids are looked up (the default 16 KiB would make them take turns).
      writableHighWaterMark: 1024 * 1024,
      readableObjectMode: prepared,
      readableHighWaterMark: prepared ? 8 : 4 * 1024 * 1024,
      transform: (chunk: Buffer, _encoding, done) => {
        let lines: Buffer[];
        try {
          lines = splitter.push(chunk);
        } catch (e) {
          done(e as Error);
          return;
        }
        this.process(lines, prepared).then((out) => done(null, out), done);
      },
      flush: (done) => {
        const last = splitter.end();
        if (last === null) done();
        else this.process([last], prepared).then((out) => done(null, out), done);
      },
    });
  }

  /**
   * After a round's target has exited: nothing more is in flight. Returns the file of the records
   * held back for the next round, or null when there are none.
   */
  async endRound(): Promise<string | null> {
    this.inFlight.clear();
    this.rounds++;
    const deferred = this.deferred;
    this.deferred = null;
    if (!deferred) return null;
    deferred.out.end();
    await once(deferred.out, 'close');
    return deferred.path;
  }

  async dispose(): Promise<void> {
    this.deferred?.out.destroy();
    if (this.workDir) await fs.rm(this.workDir, { recursive: true, force: true });
  }

  private async process(lines: Buffer[], prepared: boolean): Promise<Buffer | RoundItem[] | undefined> {
    const tracked: Array<TrackedRecord | null> = new Array<TrackedRecord | null>(lines.length).fill(null);
    // In a prepared round, what an untracked line goes out as: parsed once here, not again by the target.
    const items: RoundItem[] = prepared ? lines.slice() : [];
    const idsByStream = new Map<string, string[]>();
    lines.forEach((line, i) => {
      const classified = classifyLine(line);
      if (classified.kind !== 'message' || classified.stream === null) return;
      if (classified.type === 'SCHEMA') {
        this.schemas.set(classified.stream, Buffer.from(line));
        return;
      }
      if (classified.type !== 'RECORD') return;
      const message = classified.message() as RecordMessage;
      if (typeof message.record !== 'object' || message.record === null) return;
      // Without an external id the map has no say (and the record is not worth a hash here).
      if (recordIdText(message.record.externalId) === null) {
        if (prepared) items[i] = message;
        return;
      }
      const write = toWriteRecord(classified.stream, message.record) as TrackedRecord['write'];
      if (write.delete) return; // a delete asked for by an ETL script goes through as it is
      tracked[i] = { message, write };
      let ids = idsByStream.get(write.stream);
      if (!ids) idsByStream.set(write.stream, (ids = []));
      ids.push(write.externalId);
    });
    if (idsByStream.size === 0) return lines.length === 0 ? undefined : prepared ? items : joinLines(lines);

    this.window = new Map();
    const out: Buffer[] = [];
    const sent: RoundItem[] = [];
    const unchanged = new Map<string, ReportedWriteResult[]>();
    try {
      const found = new Map(
        await Promise.all([...idsByStream].map(async ([stream, ids]) => [stream, await this.channel.lookup(stream, ids)] as const)),
      );
      for (const [i, line] of lines.entries()) {
        const record = tracked[i];
        if (!record) {
          if (prepared) sent.push(items[i]!);
          else out.push(line, NEWLINE);
          continue;
        }
        const { write } = record;
        const key = keyOf(write.stream, write.externalId);
        if (this.inFlight.has(key)) {
          await this.defer(write.stream, line);
          continue;
        }
        const known = this.window.has(key) ? this.window.get(key) : found.get(write.stream)?.get(write.externalId);
        if (known && known.record_hash === write.hash) {
          let list = unchanged.get(write.stream);
          if (!list) unchanged.set(write.stream, (list = []));
          list.push(succeeded(write, known.remote_id, { existing: true }));
          continue;
        }
        this.inFlight.set(key, write.hash);
        // A record that came with its own `__sinew_remote_id` (set by an ETL script) is left as it is.
        const inject = known && this.injectRemoteIds && write.remoteId === null;
        if (prepared) {
          sent.push({ type: 'PREPARED_RECORD', write: inject ? { ...write, remoteId: known.remote_id } : write });
        } else if (inject) {
          const withRemote = { ...record.message, record: { ...record.message.record, __sinew_remote_id: known.remote_id } };
          out.push(Buffer.from(stringifyJson(withRemote)), NEWLINE);
        } else {
          out.push(line, NEWLINE);
        }
      }
    } finally {
      this.window = null;
    }
    for (const [stream, results] of unchanged) await this.collector.add(stream, results);
    if (prepared) return sent.length > 0 ? sent : undefined;
    return out.length > 0 ? Buffer.concat(out) : undefined;
  }

  /** A target's results: remote ids into the map (deleted ones out of it). */
  private learn(stream: string, results: readonly ReportedWriteResult[]): void {
    const saves: RecordIdSave[] = [];
    const removes: string[] = [];
    for (const result of results) {
      const externalId = recordIdText(result.externalId);
      if (externalId === null) continue;
      const key = keyOf(stream, externalId);
      const sent = this.inFlight.get(key);
      this.inFlight.delete(key);
      if (!result.success) continue;
      if (result.deleted) {
        removes.push(externalId);
        this.window?.set(key, null);
        continue;
      }
      const remoteId = recordIdText(result.id);
      if (remoteId === null) continue;
      // Sinew's own hash of what it sent, so the comparison next time does not depend on the target's.
      const hash = sent ?? (typeof result.hash === 'string' ? result.hash : null);
      saves.push({ input_id: externalId, remote_id: remoteId, record_hash: hash });
      this.window?.set(key, { remote_id: remoteId, record_hash: hash });
    }
    this.channel.save(stream, saves);
    this.channel.remove(stream, removes);
  }

  private async defer(stream: string, line: Buffer): Promise<void> {
    if (!this.deferred) {
      this.workDir ??= await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-export-rounds-'));
      const file = path.join(this.workDir, `round-${this.rounds + 2}.singer`);
      const out = createWriteStream(file);
      out.on('error', () => {}); // surfaces at endRound (close) or as the next round's read error
      this.deferred = { path: file, out, schemasWritten: new Set() };
    }
    const deferred = this.deferred;
    const parts: Buffer[] = [];
    if (!deferred.schemasWritten.has(stream)) {
      const schema = this.schemas.get(stream);
      if (schema) parts.push(schema, NEWLINE);
      deferred.schemasWritten.add(stream);
    }
    parts.push(line, NEWLINE);
    if (!deferred.out.write(Buffer.concat(parts))) await once(deferred.out, 'drain');
  }
}

function joinLines(lines: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const line of lines) parts.push(line, NEWLINE);
  return Buffer.concat(parts);
}
