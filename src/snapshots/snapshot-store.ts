import { createReadStream, createWriteStream, type Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { notFound } from '../errors/sinew-error.js';
import { parseJson, stringifyJson } from '../singer/lossless-json.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { type RecordSource, readSnapshotRecords, recordsToJsonl, type SnapshotRecord, validatedNdjson } from './snapshot-lines.js';
import {
  checkSnapshotName,
  isRecordIdSnapshotFile,
  snapshotFileName,
  snapshotKey,
  snapshotNameOfFile,
  snapshotPrefix,
  TENANT_CONFIG_FILE,
  tenantConfigKey,
} from './snapshot-name.js';

export interface SnapshotInfo {
  name: string;
  bytes: number;
  updated_at: string | null;
}

export interface PublishResult {
  saved: string[];
  deleted: string[];
  unchanged: string[];
}

/**
 * What stageInto copied, so publishFrom saves only what the job changed: two jobs of one tenant
 * (different flows) that each touch a different snapshot do not overwrite each other's work.
 */
const MANIFEST_FILE = '.sinew-staged.json';
type Manifest = Record<string, { size: number; mtimeMs: number; ino: number }>;

/**
 * A tenant's snapshots in blob storage: `{tenant}/snapshots/{name}.jsonl`, with
 * `{tenant}/snapshots/tenant-config.json` beside them. Every write replaces a whole file through
 * the storage's atomic put (local: temp file + rename; S3: one PutObject), so a crash or a failing
 * input while saving leaves the previous version whole.
 */
export class SnapshotStore {
  constructor(private readonly storage: BlobStorage) {}

  async list(tenant: string): Promise<SnapshotInfo[]> {
    return (await this.files(tenant)).snapshots;
  }

  /** One listing of the tenant's snapshot folder: its snapshots, and its record-id files' keys. */
  private async files(tenant: string): Promise<{ snapshots: SnapshotInfo[]; recordIdFiles: Array<{ key: string; file: string }> }> {
    const prefix = snapshotPrefix(tenant);
    const snapshots: SnapshotInfo[] = [];
    const recordIdFiles: Array<{ key: string; file: string }> = [];
    for (const entry of await this.storage.list(prefix)) {
      const file = entry.key.slice(prefix.length);
      if (isRecordIdSnapshotFile(file)) recordIdFiles.push({ key: entry.key, file });
      const name = file.includes('/') ? null : snapshotNameOfFile(file);
      if (name !== null) snapshots.push({ name, bytes: entry.size, updated_at: entry.updated ?? null });
    }
    return { snapshots, recordIdFiles };
  }

  async exists(tenant: string, name: string): Promise<boolean> {
    checkSnapshotName(name);
    return (await this.list(tenant)).some((s) => s.name === name);
  }

  /** The snapshot's JSONL bytes, or undefined when there is no such snapshot. */
  async openRaw(tenant: string, name: string): Promise<Readable | undefined> {
    return this.storage.getStream(snapshotKey(tenant, name));
  }

  /** The snapshot's records one at a time (numbers exact); NOT_FOUND when it does not exist. */
  async *read(tenant: string, name: string): AsyncGenerator<SnapshotRecord> {
    const raw = await this.openRaw(tenant, name);
    if (!raw) throw notFound('snapshot', { tenant, name });
    yield* readSnapshotRecords(raw, `snapshot "${name}"`);
  }

  /** Replaces the snapshot with these records. Returns how many were written. */
  async writeRecords(tenant: string, name: string, records: RecordSource): Promise<{ records: number }> {
    const counter = { records: 0 };
    await this.storage.putStream(snapshotKey(tenant, name), Readable.from(recordsToJsonl(records, counter)));
    return counter;
  }

  /** Replaces the snapshot with an NDJSON byte stream, each line checked to be a JSON object (kept byte for byte). */
  async writeNdjson(tenant: string, name: string, input: Readable | AsyncIterable<Buffer>): Promise<{ records: number }> {
    const counter = { records: 0 };
    await this.storage.putStream(snapshotKey(tenant, name), Readable.from(validatedNdjson(input, counter)));
    return counter;
  }

  /** Deletes the snapshot; false when there was none. */
  async delete(tenant: string, name: string): Promise<boolean> {
    if (!(await this.exists(tenant, name))) return false;
    await this.storage.deletePrefix(snapshotKey(tenant, name));
    return true;
  }

  async readTenantConfig(tenant: string): Promise<Record<string, unknown> | undefined> {
    const bytes = await this.storage.get(tenantConfigKey(tenant));
    return bytes ? (parseJson(bytes.toString('utf8')) as Record<string, unknown>) : undefined;
  }

  /**
   * Copies the tenant's snapshots, record-id snapshot files and tenant-config.json into a job's working folder
   * (`{jobRoot}/snapshots/`). `tenantConfig` is the tenant's config from the store (the source of
   * truth); it is also saved beside the snapshots. Without it the saved copy (or `{}`) is used.
   */
  async stageInto(tenant: string, dir: string, tenantConfig?: Record<string, unknown>): Promise<SnapshotInfo[]> {
    await fs.mkdir(dir, { recursive: true });
    const { snapshots: staged, recordIdFiles } = await this.files(tenant);
    const manifest: Manifest = {};
    // Record-id files are Sinew's: copied for the ETL to read, never saved back (not in the manifest).
    for (const { key, file } of recordIdFiles) {
      const source = await this.storage.getStream(key);
      if (source) await pipeline(source, createWriteStream(path.join(dir, file)));
    }
    for (const snapshot of staged) {
      const source = await this.openRaw(tenant, snapshot.name);
      if (!source) continue; // deleted meanwhile
      const file = path.join(dir, snapshotFileName(snapshot.name));
      await pipeline(source, createWriteStream(file));
      const stat = await fs.stat(file);
      manifest[snapshot.name] = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    }
    let config = tenantConfig;
    if (config) await this.storage.put(tenantConfigKey(tenant), `${stringifyJson(config)}\n`);
    else config = (await this.readTenantConfig(tenant)) ?? {};
    await fs.writeFile(path.join(dir, TENANT_CONFIG_FILE), `${stringifyJson(config)}\n`);
    await fs.writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    return staged;
  }

  /**
   * Saves what a job left in its snapshots folder back to `{tenant}/snapshots/`: snapshots it
   * created or changed are written (each atomically), snapshots it deleted are deleted, untouched
   * ones are left alone. tenant-config.json is not saved back: the store holds the tenant's config.
   */
  async publishFrom(tenant: string, dir: string): Promise<PublishResult> {
    const manifest = await readManifest(dir);
    const result: PublishResult = { saved: [], deleted: [], unchanged: [] };
    const present = new Set<string>();
    let entries: Dirent[] = [];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const name = entry.isFile() ? snapshotNameOfFile(entry.name) : null;
      if (name === null) continue;
      present.add(name);
      const file = path.join(dir, entry.name);
      const stat = await fs.stat(file);
      const before = manifest?.[name];
      if (before && before.size === stat.size && before.mtimeMs === stat.mtimeMs && before.ino === stat.ino) {
        result.unchanged.push(name);
        continue;
      }
      await this.storage.putStream(snapshotKey(tenant, name), createReadStream(file));
      result.saved.push(name);
    }
    for (const name of Object.keys(manifest ?? {})) {
      if (present.has(name)) continue;
      await this.storage.deletePrefix(snapshotKey(tenant, name));
      result.deleted.push(name);
    }
    return result;
  }
}

async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
