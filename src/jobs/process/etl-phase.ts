import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildSelectionTransform } from '../../etl/field-map-transform.js';
import { runEtlScript } from '../../etl/run-etl-script.js';
import type { Catalog } from '../../model/catalog.js';
import { phaseNamed } from '../../model/job-phases.js';
import { isStreamSelected } from '../../singer/catalog-selection.js';
import { classifyLine } from '../../singer/line-classifier.js';
import { readLineBatches } from '../../singer/line-reader.js';
import type { StreamSelection } from '../../singer/stream-selection.js';
import { JOB_FILES } from '../../storage/job-root.js';
import type { JobContext } from './job-context.js';
import type { JobPhase } from './job-phase.js';
import { LineBatchWriter } from './line-batch-writer.js';
import { PhaseFailure } from './phase-failure.js';
import { scrubLogFile } from './scrubbed-log-file.js';
import { countRecords } from './stream-record-counts.js';

/** The ETL phase: the flow's ETL step over the sync output, or a pass-through shaped by the field map. */
export const ETL_PHASE: JobPhase = {
  row: phaseNamed('etl'),
  async run(ctx) {
    try {
      await (ctx.plan.etl ? runScript(ctx) : passThrough(ctx));
    } finally {
      // The script's output reached its log unread; its environment may hold what the configs do.
      if (ctx.plan.etl)
        await scrubLogFile(path.join(ctx.root, JOB_FILES.etlLog), ctx.scrubber).catch((e: Error) =>
          ctx.log.write(`could not scrub the ETL log: ${e.message}`),
        );
    }
  },
};

/** The owner's ETL script, in its own process with the job's remaining time and a memory cap. */
async function runScript(ctx: JobContext): Promise<void> {
  const { plan, root } = ctx;
  if (!plan.etl) return;
  await runEtlScript({
    jobRoot: root,
    etl: plan.etl,
    env: plan.env,
    timeoutMs: Math.max(1000, plan.deadline - Date.now()),
    memoryMb: plan.settings.etl_memory_mb,
    logFile: path.join(root, JOB_FILES.etlLog),
  });
  ctx.records.after_etl = await countRecords(path.join(root, JOB_FILES.etlData));
}

async function passThrough(ctx: JobContext): Promise<void> {
  const { selection, selected } = ctx.tapAndTarget;
  const counts = await runPassThroughEtl(ctx.root, selection, ctx.tally.recordCount, selected);
  ctx.records.after_etl = counts.afterEtl;
  for (const [stream, n] of Object.entries(counts.leftOut))
    ctx.log.write(`${n} record(s) of stream "${stream}", which the job did not select, were left out`);
}

/** What the pass-through ETL did per stream. */
export interface PassThroughCounts {
  /** RECORDs in the ETL output, by output stream name. */
  afterEtl: Record<string, number>;
  /** RECORDs of streams the job did not select that were left out, by the name the tap gave. */
  leftOut: Record<string, number>;
}

/**
 * ETL without a script: `sync-output/data.singer` → `etl-output/data.singer`, shaped by the field
 * map. With nothing chosen the bytes are copied as they are (numbers and all), never whole.
 * A selected stream cannot lose records here: the check after the copy fails the ETL step rather
 * than let a job complete with fewer records than it synced (see assertNothingLost).
 */
export async function runPassThroughEtl(
  jobRoot: string,
  selection: StreamSelection,
  synced: Record<string, number>,
  tapCatalog: Catalog | null,
): Promise<PassThroughCounts> {
  const transform = buildSelectionTransform(selection);
  if (!transform) {
    // Nothing to shape: the sync output holds only valid Singer lines already, so a copy is exact.
    await fs.copyFile(path.join(jobRoot, JOB_FILES.syncData), path.join(jobRoot, JOB_FILES.etlData));
    return { afterEtl: { ...synced }, leftOut: {} };
  }
  const kept: Record<string, number> = {};
  const leftOut: Record<string, number> = {};
  const afterEtl: Record<string, number> = {};
  const seen = new Set<string>();
  const input = createReadStream(path.join(jobRoot, JOB_FILES.syncData), { highWaterMark: 1024 * 1024 });
  const out = new LineBatchWriter([createWriteStream(path.join(jobRoot, JOB_FILES.etlData))]);
  for await (const batch of readLineBatches(input)) {
    for (const raw of batch) {
      const classified = classifyLine(raw);
      if (classified.kind !== 'message') continue;
      if (classified.stream !== null) seen.add(classified.stream);
      const line = transform(classified);
      if (classified.type === 'RECORD' && classified.stream !== null) {
        const counts = line ? kept : leftOut;
        counts[classified.stream] = (counts[classified.stream] ?? 0) + 1;
        if (line) {
          const name = selection.entry(classified.stream)?.entry.rename ?? classified.stream;
          afterEtl[name] = (afterEtl[name] ?? 0) + 1;
        }
      }
      if (line) {
        const wait = out.write(line);
        if (wait) await wait;
      }
    }
  }
  await out.end();
  assertNothingLost({ selection, synced, kept, seen, tapCatalog });
  return { afterEtl, leftOut };
}

/**
 * Records may leave the ETL step only as a stream the job did not select. Two ways a selected
 * stream could still vanish, each a failed job, never a silent success:
 * - a stream the catalog handed to the tap selected lost records here;
 * - a stream lost all its records while a field-map key matched no stream of the sync (a map keyed
 *   by a name the records do not carry).
 */
function assertNothingLost(args: {
  selection: StreamSelection;
  synced: Record<string, number>;
  kept: Record<string, number>;
  seen: Set<string>;
  tapCatalog: Catalog | null;
}): void {
  const { selection, synced, kept, seen, tapCatalog } = args;
  const seenIds = new Set([...seen].map((s) => selection.names.canonical(s)));
  const unmatchedKeys = Object.keys(selection.input.fieldMap ?? {}).filter((k) => !seenIds.has(selection.names.canonical(k)));
  for (const [stream, count] of Object.entries(synced)) {
    const passed = kept[stream] ?? 0;
    if (count === 0 || passed === count) continue;
    const catalogStream = tapCatalog ? selection.names.streamOf(stream) : undefined;
    const selectedAtTap = catalogStream !== undefined && isStreamSelected(catalogStream);
    if (selectedAtTap) {
      throw new PhaseFailure(
        'etl',
        `stream "${stream}" was selected at the tap and synced ${count} record(s), but only ${passed} passed the field map; nothing was exported`,
      );
    }
    if (passed === 0 && unmatchedKeys.length > 0) {
      const keys = unmatchedKeys.map((k) => `"${k}"`).join(', ');
      throw new PhaseFailure(
        'etl',
        `stream "${stream}" synced ${count} record(s) and the field map kept none: the map has no entry for it, and its key(s) ${keys} matched no stream of this sync (key a field map by a stream's tap_stream_id or its stream name)`,
      );
    }
  }
}
