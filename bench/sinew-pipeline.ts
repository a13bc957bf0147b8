import fs from 'node:fs/promises';
import path from 'node:path';
import type { SinewServer } from './sinew-server.js';
import type { SingerPair } from './singer-pairs.js';

/** One pair registered in a running Sinew: a v1-source flow whose tenant links the tap. */
export interface SinewPipeline {
  pair: SingerPair;
  flowId: string;
  tenant: string;
  /** Where the flow's target writes its JSONL (emptied between runs: the target appends). */
  targetDir: string;
}

/**
 * Registers the pair's tap and target as Singer connectors through the API, creates a v1-source
 * flow exporting to the target (config `{ path }`), and links the tenant's source (`{ records }`).
 */
export async function registerPipeline(
  server: SinewServer,
  pair: SingerPair,
  recordsPerStream: number,
  targetDir: string,
): Promise<SinewPipeline> {
  const env = server.envId;
  const tapId = `bench-tap-${pair.name}`;
  const targetId = `bench-target-${pair.name}`;
  await server.api('PUT', `/${env}/connectors/${tapId}`, { kind: 'source', command: pair.tap, label: `tap-numbers (${pair.name})` });
  await server.api('PUT', `/${env}/connectors/${targetId}`, { kind: 'target', command: pair.target, label: `target-jsonl (${pair.name})` });
  const flow = await server.api<{ flow_id: string }>('POST', `/${env}/flows`, {
    name: `bench ${pair.name}`,
    type: 'v1-source',
    connectors: [tapId],
    target: { connector: targetId, config: { path: targetDir } },
  });
  const pipeline: SinewPipeline = { pair, flowId: flow.body.flow_id, tenant: `bench-${pair.name}`, targetDir };
  await setRecords(server, pipeline, recordsPerStream);
  return pipeline;
}

/** (Re-)links the tenant's source with a record count (per stream). */
export async function setRecords(server: SinewServer, p: SinewPipeline, recordsPerStream: number): Promise<void> {
  const source = { tap: `bench-tap-${p.pair.name}`, config: { records: recordsPerStream } };
  await server.api('POST', `/${server.envId}/${p.flowId}/${p.tenant}/linkedSources`, { source });
}

/** Removes a finished job's root (sync and ETL output: hundreds of MB per million records). */
export async function removeJobRoot(server: SinewServer, s3Root: string): Promise<void> {
  await fs.rm(path.join(server.dataDir, 'storage', s3Root), { recursive: true, force: true });
}
