import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Catalog } from '../model/catalog.js';
import type { FieldMap } from '../model/field-map.js';
import { tempFileBeside } from '../runtime/temp-file-name.js';
import type { AnyMessage } from '../singer/line-classifier.js';
import { parseJson } from '../singer/lossless-json.js';
import { type RecordSource, readSnapshotRecords, recordsToJsonl, type SnapshotRecord } from '../snapshots/snapshot-lines.js';
import { type MergeResult, mergeIntoSnapshotFile } from '../snapshots/snapshot-merge.js';
import { snapshotFileName, TENANT_CONFIG_FILE } from '../snapshots/snapshot-name.js';
import { JOB_FILES } from '../storage/job-root.js';
import { type EtlEnv, etlEnvFrom } from './etl-environment.js';
import { applyFieldMap, fieldMapper } from './etl-field-map.js';
import { EtlOutputWriter } from './etl-output-writer.js';
import { buildFieldMapTransform } from './field-map-transform.js';
import { readSyncLines, readSyncMessages, readSyncRecords } from './sync-output-reader.js';

/** The job folder's parts an ETL step reads and writes. */
export interface EtlPaths {
  root: string;
  syncOutput: string;
  etlOutput: string;
  etlData: string;
  snapshots: string;
  tenantConfig: string;
}

/** What an ETL module's default export receives: `export default async (ctx: EtlContext) => { … }`. */
export interface EtlContext {
  /** The job's local folder (the script's cwd). */
  readonly root: string;
  readonly paths: EtlPaths;
  /** TENANT, FLOW, ENV_ID, JOB_ID, API_URL, JOB_ROOT, SYNC_TYPE, JOB_TYPE, CONNECTOR_ID, TAP, TARGET. */
  readonly env: EtlEnv;
  /** All messages of the sync output, optionally of one stream and/or type, streaming. */
  messages(filter?: { stream?: string; type?: string }): AsyncGenerator<AnyMessage>;
  /** The records of one stream of the sync output, streaming. */
  records(stream: string): AsyncGenerator<Record<string, unknown>>;
  /** The writer of `etl-output/data.singer` (opened on first use, ended when the script returns). */
  output(): Promise<EtlOutputWriter>;
  /** Copies the sync output to the ETL output, shaped by a field map (none: as it is, byte for byte). */
  passThrough(fieldMap?: FieldMap | null): Promise<void>;
  /** A snapshot's records (none when it does not exist yet), streaming. */
  readSnapshot(name: string): AsyncGenerator<SnapshotRecord>;
  hasSnapshot(name: string): Promise<boolean>;
  /** Replaces a snapshot with these records. */
  writeSnapshot(name: string, records: RecordSource): Promise<{ records: number }>;
  /** Merges records into a snapshot by primary key, last write wins; memory stays bounded. */
  snapshotRecords(records: RecordSource, name: string, pk: string | string[]): Promise<MergeResult>;
  deleteSnapshot(name: string): Promise<void>;
  /** The tenant's tenant-config.json (`{}` when it has none). */
  tenantConfig(): Promise<Record<string, unknown>>;
  /** The field map applied to messages; `fieldMapper(map)` gives the per-message function. */
  applyFieldMap: typeof applyFieldMap;
  fieldMapper: typeof fieldMapper;
  /** Ends the output if the script opened it (the module runner calls this when the script returns). */
  close(): Promise<void>;
}

export function etlPaths(root: string): EtlPaths {
  const snapshots = path.join(root, 'snapshots');
  return {
    root,
    syncOutput: path.join(root, JOB_FILES.syncOutput),
    etlOutput: path.join(root, JOB_FILES.etlOutput),
    etlData: path.join(root, JOB_FILES.etlData),
    snapshots,
    tenantConfig: path.join(snapshots, TENANT_CONFIG_FILE),
  };
}

/** The kit bound to one job folder and its environment. */
export function createEtlKit(root: string, envSource: Record<string, string | undefined> = process.env): EtlContext {
  const paths = etlPaths(path.resolve(root));
  const snapshotFile = (name: string): string => path.join(paths.snapshots, snapshotFileName(name));
  let output: Promise<EtlOutputWriter> | null = null;
  const openOutput = (): Promise<EtlOutputWriter> => (output ??= EtlOutputWriter.open(paths.etlData));
  const exists = async (file: string): Promise<boolean> =>
    fs.stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
  // The catalog the tap got: a field map keyed by tap_stream_id finds records named by their stream.
  const catalog = readCatalog(path.join(paths.root, JOB_FILES.catalog));

  return {
    root: paths.root,
    paths,
    env: etlEnvFrom(envSource),
    messages: (filter) => readSyncMessages(paths.syncOutput, filter),
    records: (stream) => readSyncRecords(paths.syncOutput, stream),
    output: openOutput,
    async passThrough(fieldMap) {
      const out = await openOutput();
      const transform = buildFieldMapTransform(fieldMap ?? null, { catalog });
      for await (const line of readSyncLines(paths.syncOutput)) {
        const shaped = transform ? transform(line) : line.raw;
        if (shaped) {
          const wait = out.writeLine(shaped);
          if (wait) await wait;
        }
      }
    },
    async *readSnapshot(name) {
      const file = snapshotFile(name);
      if (!(await exists(file))) return;
      yield* readSnapshotRecords(createReadStream(file, { highWaterMark: 1024 * 1024 }), `snapshot "${name}"`);
    },
    hasSnapshot: (name) => exists(snapshotFile(name)),
    async writeSnapshot(name, records) {
      const file = snapshotFile(name);
      await fs.mkdir(paths.snapshots, { recursive: true });
      const counter = { records: 0 };
      const tmp = tempFileBeside(file);
      try {
        await pipeline(Readable.from(recordsToJsonl(records, counter)), createWriteStream(tmp));
        await fs.rename(tmp, file);
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
      return counter;
    },
    snapshotRecords: (records, name, pk) => mergeIntoSnapshotFile(snapshotFile(name), records, pk),
    async deleteSnapshot(name) {
      await fs.rm(snapshotFile(name), { force: true });
    },
    async tenantConfig() {
      try {
        return parseJson(await fs.readFile(paths.tenantConfig, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw e;
      }
    },
    applyFieldMap: (messages, fieldMap) => applyFieldMap(messages, fieldMap, catalog),
    fieldMapper: (fieldMap) => fieldMapper(fieldMap, catalog),
    async close() {
      if (output) await (await output).end();
    },
  };
}

function readCatalog(file: string): Catalog | null {
  try {
    return parseJson(readFileSync(file, 'utf8')) as Catalog;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
