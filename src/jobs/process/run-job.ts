import { policyEnvironment } from '../../outbound/policy-env.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../../model/catalog.js';
import { applySelection, isStreamSelected } from '../../singer/catalog-selection.js';
import { StreamSelection } from '../../singer/stream-selection.js';
import type { StreamRecordCounts } from '../../model/job.js';
import { buildSelectionTransform } from '../../etl/field-map-transform.js';
import { countRecords, shapedCounts } from './stream-record-counts.js';
import { carrySelections } from '../../singer/catalog-refresh.js';
import { runDiscover, tapArgs } from '../../singer/singer-process.js';
import { stringifyJson } from '../../singer/lossless-json.js';
import type { JobStatus } from '../../model/job.js';
import { failureStatusFor, isJobStatus } from '../../model/job-phases.js';
import type { JobPlan } from '../job-plan.js';
import type { JobProcessMessage } from '../job-process-messages.js';
import { JOB_FILES } from '../../storage/job-root.js';
import { SecretFiles } from './connector-files.js';
import { connectorIdentity } from './connector-identity.js';
import { runPassThroughEtl } from './etl-phase.js';
import { runEtlScript } from '../../etl/run-etl-script.js';
import { runExportPhase } from './export-phase.js';
import { JobLog } from './job-log.js';
import { PhaseFailure, failureMessage } from './phase-failure.js';
import { StreamTally } from './record-counter.js';
import { runStreamingPhase } from './streaming-phase.js';
import { runSyncPhase } from './sync-phase.js';
import { measureDataSizes } from './data-sizes.js';
import { peakMemoryMiB } from './peak-memory.js';
import { WriteResultCollector, type WriteSummary } from '../../writes/write-result-collector.js';
import { stderrLogLimits, type ConnectorRun } from './running-connectors.js';
import { RecordIdChannel } from './record-id-channel.js';
import { RecordIdResolution } from './record-id-resolution.js';
import { rollBackWrites } from './write-rollback.js';
import { targetRunOf } from './target-run.js';
import { SecretScrubber } from '../../crypto/secret-scrubber.js';
import { scrubbedReport } from './scrubbed-report.js';
import { scrubLogFile } from './scrubbed-log-file.js';

type Report = (message: JobProcessMessage) => void;

const PROGRESS_EVERY_MS = 500;

/** Runs one job's phases inside the job process: discover → sync → ETL → export (or streaming). */
export async function runJob(plan: JobPlan, reportRaw: Report): Promise<boolean> {
  const root = plan.workspaceDir;
  // The configs in clear are known here only: nothing derived from connector output leaves without them scrubbed.
  const scrubber = SecretScrubber.ofConnectors([plan.source, plan.target]);
  const report = scrubbedReport(scrubber, reportRaw);
  for (const dir of [JOB_FILES.syncOutput, JOB_FILES.etlOutput, JOB_FILES.logs]) await fs.mkdir(path.join(root, dir), { recursive: true });
  const log = new JobLog(path.join(root, JOB_FILES.jobLog), scrubber);
  const tally = new StreamTally(log, 'tap');
  let phase = 'starting';
  const sampleMemory = peakMemoryMiB;
  // Records per stream at each step; `synced` is the tally's own count, filled as the tap writes.
  const records: StreamRecordCounts = { synced: tally.recordCount, after_etl: {}, exported: {} };
  const status = (s: JobStatus, extra: { error?: string; message?: string; writeSummary?: WriteSummary } = {}): void => {
    // The counts as they stand go first: a job quicker than the progress tick would otherwise show
    // 0 records at every phase until it ends.
    report({ t: 'progress', recordCount: tally.recordCount, invalidLines: tally.invalidLines, memoryUsage: sampleMemory(), phase, records });
    phase = s;
    log.write(`status ${s}${extra.error ? `: ${extra.error}` : ''}`);
    report({ t: 'status', status: s, ...extra });
  };
  // Which streams (under which names) go to the target, once known: a failed export counts what it never sent.
  let selectionForCounts: StreamSelection | null = null;
  const progress = setInterval(() => {
    report({ t: 'progress', recordCount: tally.recordCount, invalidLines: tally.invalidLines, memoryUsage: sampleMemory(), phase, records });
  }, PROGRESS_EVERY_MS);
  const secrets = await SecretFiles.open(plan.secretsDir, plan.job.job_id);
  // A connector may have refreshed its own tokens into its config file (Singer SDK taps do): sent
  // before the job's end, so the worker has saved them before anyone sees the job ended.
  const reportConfigsLeft = async (): Promise<void> => report({ t: 'configsLeft', ...(await secrets.readLeft()) });
  // A write target's per-record results: the export-details file and the job's summary.
  const writeResults = new WriteResultCollector(path.join(root, JOB_FILES.exportDetails), undefined, (text) => scrubber.scrub(text));
  // A target that speaks the write protocol gets the external-id upsert through the record-id map.
  const channel = plan.target?.write_results ? RecordIdChannel.ofProcess() : null;
  const resolution = channel ? new RecordIdResolution(channel, writeResults, !plan.target!.native_external_id) : null;
  let targetRun: ConnectorRun | null = null;
  const logLimits = stderrLogLimits(plan.settings);
  try {
    const sourceConfig = await secrets.writeConfig('config.json', plan.source, root, JOB_FILES.config);
    const targetConfig = plan.target ? await secrets.writeConfig('target-config.json', plan.target, root, JOB_FILES.targetConfig) : null;
    const statePath = path.join(root, JOB_FILES.state);
    if (plan.inputState !== null) await fs.writeFile(statePath, `${stringifyJson(plan.inputState)}\n`);
    else await fs.access(statePath).catch(() => {
      throw new PhaseFailure('SYNC_FAILED', "the write job's records are missing from its job root (state.json)");
    });

    let catalog: Catalog | null = plan.catalog;
    // A built-in database source connects from its own process: it is handed the environment's policy.
    const tapEnv = { ...plan.env, ...policyEnvironment(plan.addressPolicy) };
    if (plan.source.discover) {
      status('DISCOVER_STARTED');
      try {
        // The tenant's selections survive a fresh discover wherever their streams and fields still exist.
        // Its stderr goes to the tap's log too, before the sync's: a discover can be as noisy as a sync.
        // A password has no business in a catalog, which tenants read; names the config shares
        // (schema, database) do, so only secret-marked values are scrubbed from it.
        const discovered = SecretScrubber.ofSecretFields([plan.source]).scrubDeep(await runDiscover({
          command: plan.source.command,
          configPath: sourceConfig,
          ...(await connectorIdentity(plan.source, plan.connectorUser, secrets, { cwd: root, env: tapEnv })),
          logFile: path.join(root, JOB_FILES.tapLog),
          logLimits,
          logFilter: scrubber.stream(),
        }));
        catalog = carrySelections(discovered, plan.catalog);
      } catch (e) {
        throw new PhaseFailure('DISCOVER_FAILED', (e as Error).message);
      }
      report({ t: 'discovered', catalog });
      status('DISCOVER_SUCCESS');
    }
    const choice = { streams: plan.selectedTables, fieldMap: plan.fieldMap };
    // A name that could mean two streams is never guessed: the job would move the wrong table.
    const ambiguous = new StreamSelection(catalog, choice).ambiguityProblem();
    if (ambiguous) throw new PhaseFailure('SYNC_FAILED', `the job's stream selection is ambiguous: ${ambiguous}`);
    const selected = catalog ? applySelection(catalog, choice) : null;
    // One answer to "which streams, which fields" for the sync and the ETL step, read from the catalog
    // the tap gets (a record's plain name means the selected stream that has it).
    const selection = new StreamSelection(selected, choice);
    selectionForCounts = selection;
    // override_selected_tables binds taps that take no catalog (or ignore it) too: left out at the sync.
    if (plan.selectedTables) tally.excludeStreams((stream) => selection.chosen(stream) === false);
    let catalogPath: string | undefined;
    if (selected) {
      if (selection.hasChoice && !selected.streams.some(isStreamSelected)) {
        throw new PhaseFailure('SYNC_FAILED', "the job's field map or override_selected_tables selects no stream of the tap's catalog");
      }
      catalogPath = path.join(root, JOB_FILES.catalog);
      await fs.writeFile(catalogPath, `${stringifyJson(selected)}\n`);
    }
    const tapRun = {
      command: plan.source.command,
      // A registered tap under SINEW_CONNECTOR_USER gets its files in the job's private folder.
      ...(await connectorIdentity(plan.source, plan.connectorUser, secrets, {
        cwd: root,
        env: tapEnv,
        args: tapArgs({ configPath: sourceConfig, statePath, catalogPath, catalogFlag: plan.source.catalogFlag, acceptsState: plan.source.acceptsState }),
      })),
      logLimits,
      scrubber,
    };
    const target = plan.target && targetConfig ? await targetRunOf(plan.target, targetConfig, root, plan.env, plan.addressPolicy) : null;
    targetRun = target ? { ...target, ...(await connectorIdentity(plan.target!, plan.connectorUser, secrets, target)), logLimits, scrubber } : null;

    status('SYNC_STARTED');
    if (plan.streaming && targetRun) {
      await runStreamingPhase(tapRun, targetRun, root, tally, () => status('EXPORT_STARTED'), writeResults, resolution ?? undefined, buildSelectionTransform(selection));
      records.exported = shapedCounts(selection, tally.recordCount);
    } else {
      await runSyncPhase(tapRun, root, tally);
      status('SYNC_SUCCESS');
      status('ETL_STARTED');
      try {
        if (plan.etl) {
          // The owner's ETL script, in its own process with the job's remaining time and a memory cap.
          await runEtlScript({
            jobRoot: root,
            etl: plan.etl,
            env: plan.env,
            timeoutMs: Math.max(1000, plan.deadline - Date.now()),
            memoryMb: plan.settings.etl_memory_mb,
            logFile: path.join(root, JOB_FILES.etlLog),
          });
          records.after_etl = await countRecords(path.join(root, JOB_FILES.etlData));
        } else {
          const counts = await runPassThroughEtl(root, selection, tally.recordCount, selected);
          records.after_etl = counts.afterEtl;
          for (const [stream, n] of Object.entries(counts.leftOut)) log.write(`${n} record(s) of stream "${stream}", which the job did not select, were left out`);
        }
      } catch (e) {
        throw e instanceof PhaseFailure ? e : new PhaseFailure('ETL_FAILED', (e as Error).message);
      } finally {
        // The script's output reached its log unread; its environment may hold what the configs do.
        if (plan.etl) await scrubLogFile(path.join(root, JOB_FILES.etlLog), scrubber).catch((e: Error) => log.write(`could not scrub the ETL log: ${e.message}`));
      }
      status('ETL_SUCCESS');
      if (targetRun) {
        status('EXPORT_STARTED');
        await runExportPhase(targetRun, root, writeResults, resolution ?? undefined);
        // The target took the whole ETL output in and exited 0.
        records.exported = { ...records.after_etl };
      }
    }
    if (channel) {
      try {
        await channel.settled();
      } catch (e) {
        throw new PhaseFailure('EXPORT_FAILED', `the records were written but their remote ids could not be kept: ${(e as Error).message}`);
      }
    }
    writeResults.expectSent(records.exported);
    const writeSummary = await writeResults.finish();
    // A target that speaks the result protocol and ends without answering for some records leaves
    // their fate unknown: the job fails loudly rather than completing with records missing.
    const unanswered = Object.entries(writeSummary?.summary ?? {}).filter(([, sums]) => sums.not_sent);
    if (unanswered.length > 0) {
      throw new PhaseFailure('EXPORT_FAILED', `the target reported no result for ${unanswered.map(([stream, sums]) => `${sums.not_sent} record(s) of stream "${stream}"`).join(', ')} (counted as not_sent): whether they were written is unknown`);
    }
    if (tally.lastState) await fs.writeFile(path.join(root, JOB_FILES.newState), `${stringifyJson(tally.lastState)}\n`);
    if (tally.invalidLines > 0) log.write(`the tap printed ${tally.invalidLines} line(s) that were not Singer messages`);
    for (const [stream, n] of Object.entries(tally.leftOut)) log.write(`${n} record(s) of stream "${stream}", which the job did not select, were left out at the sync`);
    log.write('finished');
    await reportConfigsLeft();
    report({
      t: 'finished',
      newState: tally.lastState,
      recordCount: tally.recordCount,
      invalidLines: tally.invalidLines,
      records,
      dataSizes: await measureDataSizes(root),
      memoryUsage: sampleMemory(),
      message: tally.invalidLines > 0 ? `${tally.invalidLines} non-Singer line(s) on the tap's stdout were skipped` : null,
      ...(writeSummary ? { writeSummary } : {}),
    });
    return true;
  } catch (e) {
    const failure = e instanceof PhaseFailure ? e : new PhaseFailure(failureFor(phase), (e as Error).message);
    report({ t: 'progress', recordCount: tally.recordCount, invalidLines: tally.invalidLines, memoryUsage: sampleMemory(), phase, records });
    // What the target was to be given: the ETL output, or (streaming, or before the ETL step) what the tap read.
    writeResults.expectSent(Object.keys(records.after_etl).length > 0 ? records.after_etl : selectionForCounts ? shapedCounts(selectionForCounts, tally.recordCount) : tally.recordCount);
    let rollback: string | null = null;
    if (resolution && targetRun && plan.settings.rollback_on_failure) {
      log.write('rolling back what this job wrote (roll back on failure)');
      rollback = await rollBackWrites({ targetRun, jobRoot: root, collector: writeResults, schemaLine: (s) => resolution.schemaLine(s) }).catch(
        (e: Error) => `the rollback failed: ${e.message}`,
      );
      if (rollback) log.write(rollback);
    }
    await channel?.settled().catch((e: Error) => log.write(`could not update the record-id map: ${e.message}`));
    // Before the terminal status (which publishes the job root): a failed run keeps the results it had.
    const writeSummary = await writeResults.finish().catch(() => null);
    await reportConfigsLeft();
    status(failure.status, { error: failureMessage(failure, plan.source.capabilityNote), ...(rollback ? { message: rollback } : {}), ...(writeSummary ? { writeSummary } : {}) });
    return false;
  } finally {
    clearInterval(progress);
    await resolution?.dispose();
    await secrets.dispose();
  }
}

/** The failure of the phase the process is in; before any phase ('starting') as a job at JOB_CREATED. */
export function failureFor(phase: string): JobStatus {
  return failureStatusFor(isJobStatus(phase) ? phase : 'JOB_CREATED');
}
