import fs from 'node:fs/promises';
import path from 'node:path';
import { SecretScrubber } from '../../crypto/secret-scrubber.js';
import type { Catalog } from '../../model/catalog.js';
import type { StreamRecordCounts } from '../../model/job.js';
import { isJobStatus, JOB_CREATED, type JobStatus } from '../../model/job-phases.js';
import { policyEnvironment } from '../../outbound/policy-env.js';
import type { StderrLogLimits } from '../../singer/bounded-log.js';
import { stringifyJson } from '../../singer/lossless-json.js';
import type { StreamSelection } from '../../singer/stream-selection.js';
import { JOB_FILES } from '../../storage/job-root.js';
import { WriteResultCollector, type WriteSummary } from '../../writes/write-result-collector.js';
import type { JobPlan } from '../job-plan.js';
import type { JobProcessMessage } from '../job-process-messages.js';
import { RecordIdChannel } from '../record-ids/record-id-channel.js';
import { RecordIdResolution } from '../record-ids/record-id-resolution.js';
import { SecretFiles } from './connector-files.js';
import { JobLog } from './job-log.js';
import { peakMemoryMiB } from './peak-memory.js';
import { PhaseFailure } from './phase-failure.js';
import { StreamTally } from './record-counter.js';
import { type ConnectorRun, stderrLogLimits } from './running-connectors.js';
import { scrubbedReport } from './scrubbed-report.js';

export type Report = (message: JobProcessMessage) => void;

const PROGRESS_EVERY_MS = 500;

/** The tap and the target as the job runs them, once its streams are chosen (tap-and-target.ts). */
export interface TapAndTarget {
  /** Which streams, under which names, with which fields: one answer for the sync, the ETL step and the counts. */
  selection: StreamSelection;
  /** The catalog the tap gets, its selection applied (null: the tap takes none). */
  selected: Catalog | null;
  tap: ConnectorRun;
  target: ConnectorRun | null;
}

/**
 * What the phases of one job share inside its process: the plan, the job root, the report to the
 * worker (scrubbed), the job's log, the tallies, the secrets' files, the write results and the
 * record-id map. Made before the first phase, disposed after the last.
 */
export class JobContext {
  readonly root: string;
  // The configs in clear are known here only: nothing derived from connector output leaves without them scrubbed.
  readonly scrubber: SecretScrubber;
  readonly report: Report;
  readonly log: JobLog;
  readonly tally: StreamTally;
  /** Records per stream at each step; `synced` is the tally's own count, filled as the tap writes. */
  readonly records: StreamRecordCounts;
  /** A write target's per-record results: the export-details file and the job's summary. */
  readonly writeResults: WriteResultCollector;
  /** A target that speaks the write protocol gets the external-id upsert through the record-id map. */
  readonly channel: RecordIdChannel | null;
  readonly resolution: RecordIdResolution | null;
  readonly logLimits: StderrLogLimits;
  /** The catalog the job works from: the stored one, or what discover found. */
  catalog: Catalog | null;
  /** Which streams go to the target, once chosen: a failed export counts what it never sent. */
  selection: StreamSelection | null = null;
  /** The tap and the target, once prepared (before the sync). */
  connectors: TapAndTarget | null = null;
  sourceConfig = '';
  targetConfig: string | null = null;
  /** The last status reported ('starting' before the first), as progress reports name it. */
  #phase = 'starting';
  readonly #progress: NodeJS.Timeout;

  private constructor(
    readonly plan: JobPlan,
    reportRaw: Report,
    readonly secrets: SecretFiles,
  ) {
    this.root = plan.workspaceDir;
    this.scrubber = SecretScrubber.ofConnectors([plan.source, plan.target]);
    this.report = scrubbedReport(this.scrubber, reportRaw);
    this.log = new JobLog(path.join(this.root, JOB_FILES.jobLog), this.scrubber);
    this.tally = new StreamTally(this.log, 'tap');
    this.records = { synced: this.tally.recordCount, after_etl: {}, exported: {} };
    this.writeResults = new WriteResultCollector(path.join(this.root, JOB_FILES.exportDetails), undefined, (text) =>
      this.scrubber.scrub(text),
    );
    this.channel = plan.target?.write_results ? RecordIdChannel.ofProcess() : null;
    this.resolution =
      this.channel && plan.target ? new RecordIdResolution(this.channel, this.writeResults, !plan.target.native_external_id) : null;
    this.logLimits = stderrLogLimits(plan.settings);
    this.catalog = plan.catalog;
    this.#progress = setInterval(() => this.reportProgress(), PROGRESS_EVERY_MS);
  }

  static async open(plan: JobPlan, report: Report): Promise<JobContext> {
    for (const dir of [JOB_FILES.syncOutput, JOB_FILES.etlOutput, JOB_FILES.logs])
      await fs.mkdir(path.join(plan.workspaceDir, dir), { recursive: true });
    return new JobContext(plan, report, await SecretFiles.open(plan.secretsDir, plan.job.job_id));
  }

  /** Where the job is: the last status reported (JOB_CREATED before the first). */
  get at(): JobStatus {
    return isJobStatus(this.#phase) ? this.#phase : JOB_CREATED;
  }

  /** The tap's environment: a built-in database source connects from its own process, so it is handed the environment's policy. */
  get tapEnv(): Record<string, string> {
    // Only Sinew's own taps: a registered tap gets no SINEW_* variable.
    return this.plan.source.builtin ? { ...this.plan.env, ...policyEnvironment(this.plan.addressPolicy) } : this.plan.env;
  }

  /** The tap and the target; a phase that needs them runs after they were prepared. */
  get tapAndTarget(): TapAndTarget {
    if (!this.connectors) throw new Error('the tap and the target were not prepared before this phase');
    return this.connectors;
  }

  reportProgress(): void {
    const { tally } = this;
    this.report({
      t: 'progress',
      recordCount: tally.recordCount,
      invalidLines: tally.invalidLines,
      memoryUsage: peakMemoryMiB(),
      phase: this.#phase,
      records: this.records,
    });
  }

  status(s: JobStatus, extra: { error?: string; message?: string; writeSummary?: WriteSummary } = {}): void {
    // The counts as they stand go first: a job quicker than the progress tick would otherwise show
    // 0 records at every phase until it ends.
    this.reportProgress();
    this.#phase = s;
    this.log.write(`status ${s}${extra.error ? `: ${extra.error}` : ''}`);
    this.report({ t: 'status', status: s, ...extra });
  }

  /** The connectors' configs in the job root and its private folder, and the state the tap starts from. */
  async writeInputs(): Promise<void> {
    const { plan, root, secrets } = this;
    this.sourceConfig = await secrets.writeConfig('config.json', plan.source, root, JOB_FILES.config);
    this.targetConfig = plan.target ? await secrets.writeConfig('target-config.json', plan.target, root, JOB_FILES.targetConfig) : null;
    const statePath = path.join(root, JOB_FILES.state);
    if (plan.inputState !== null) await fs.writeFile(statePath, `${stringifyJson(plan.inputState)}\n`);
    else
      await fs.access(statePath).catch(() => {
        throw new PhaseFailure('sync', "the write job's records are missing from its job root (state.json)");
      });
  }

  /**
   * A connector may have refreshed its own tokens into its config file (Singer SDK taps do): sent
   * before the job's end, so the worker has saved them before anyone sees the job ended.
   */
  async reportConfigsLeft(): Promise<void> {
    this.report({ t: 'configsLeft', ...(await this.secrets.readLeft()) });
  }

  async dispose(): Promise<void> {
    clearInterval(this.#progress);
    await this.resolution?.dispose();
    await this.secrets.dispose();
  }
}
