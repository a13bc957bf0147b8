import { invalid } from '../errors/sinew-error.js';

/** Where a tenant's snapshots live in blob storage, and the file names inside that folder. */
export const SNAPSHOT_EXTENSION = '.jsonl';
export const TENANT_CONFIG_FILE = 'tenant-config.json';

/**
 * Letters, digits, `_`, `-` and `.`, starting with a letter or digit: a name is a file name on
 * every storage (no `/`, no `..`, nothing a shell or an S3 console would mangle).
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

export function isSnapshotName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

/** Throws VALIDATION_FAILED (a 400 through the API) for a name that could not be a snapshot file. */
export function checkSnapshotName(name: string): string {
  if (!isSnapshotName(name)) {
    throw invalid(`invalid snapshot name ${JSON.stringify(name)}: use letters, digits, "_", "-" and "." (no "/" or "..")`, { name });
  }
  return name;
}

export function snapshotPrefix(tenant: string): string {
  return `${tenant}/snapshots/`;
}

export function snapshotKey(tenant: string, name: string): string {
  return `${snapshotPrefix(tenant)}${checkSnapshotName(name)}${SNAPSHOT_EXTENSION}`;
}

export function tenantConfigKey(tenant: string): string {
  return `${snapshotPrefix(tenant)}${TENANT_CONFIG_FILE}`;
}

export function snapshotFileName(name: string): string {
  return `${checkSnapshotName(name)}${SNAPSHOT_EXTENSION}`;
}

/** The snapshot name of a file in a snapshots folder, or null for anything else (temp files, config). */
export function snapshotNameOfFile(file: string): string | null {
  if (!file.endsWith(SNAPSHOT_EXTENSION)) return null;
  const name = file.slice(0, -SNAPSHOT_EXTENSION.length);
  return isSnapshotName(name) ? name : null;
}

/**
 * The record-id map of a (tenant, flow, stream) as a snapshot file (*save record ids in
 * snapshots*): `{Stream}_{flow_id}.snapshot.csv` beside the tenant's snapshots, columns InputId,
 * RemoteId, CustomData. Sinew writes them; jobs get a read-only copy.
 */
export const RECORD_ID_SNAPSHOT_SUFFIX = '.snapshot.csv';

export function recordIdSnapshotFile(stream: string, flowId: string): string {
  // A stream name may hold anything; the file name keeps what every storage takes.
  return `${stream.replace(/[^A-Za-z0-9_.-]/g, '_')}_${flowId}${RECORD_ID_SNAPSHOT_SUFFIX}`;
}

export function isRecordIdSnapshotFile(file: string): boolean {
  return file.endsWith(RECORD_ID_SNAPSHOT_SUFFIX) && !file.includes('/') && !file.startsWith('.');
}
