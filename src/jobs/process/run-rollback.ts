import { createReadStream } from 'node:fs';
import path from 'node:path';
import { recordIdText } from '../../connectors/sdk/write-record.js';
import { SecretScrubber } from '../../crypto/secret-scrubber.js';
import { classifyLine } from '../../singer/line-classifier.js';
import { readLines } from '../../singer/line-reader.js';
import { JOB_FILES } from '../../storage/job-root.js';
import { readExportDetails } from '../../writes/export-details-page.js';
import { WriteResultCollector } from '../../writes/write-result-collector.js';
import type { JobPlan } from '../job-plan.js';
import type { JobProcessMessage } from '../job-process-messages.js';
import { RecordIdChannel } from '../record-ids/record-id-channel.js';
import { SecretFiles } from './connector-files.js';
import { connectorIdentity } from './connector-identity.js';
import type { ConnectorRun } from './running-connectors.js';
import { scrubbedReport } from './scrubbed-report.js';
import { targetRunOf } from './target-run.js';
import { rollBackWrites } from './write-rollback.js';

/** The last SCHEMA line of each stream in a Singer file (what the target got before the records). */
async function schemaLines(file: string): Promise<Map<string, Buffer>> {
  const schemas = new Map<string, Buffer>();
  try {
    for await (const line of readLines(createReadStream(file))) {
      const c = classifyLine(line);
      if (c.kind === 'message' && c.type === 'SCHEMA' && c.stream !== null) schemas.set(c.stream, Buffer.from(line));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return schemas;
}

/**
 * A job process started only to roll back (roll back on failure) a write job whose own process
 * was stopped before it could: past its time limit, killed, out of memory. What its
 * `export-details` says the job created is deleted as in-process rollback does; the answer is one
 * `rolledBack` message with the job's write summary, its rollback included.
 */
export async function runRollback(plan: JobPlan, reportRaw: (message: JobProcessMessage) => void): Promise<void> {
  const root = plan.workspaceDir;
  const scrubber = SecretScrubber.ofConnectors([plan.source, plan.target]);
  const report = scrubbedReport(scrubber, reportRaw);
  const details = path.join(root, JOB_FILES.exportDetails);
  const secrets = await SecretFiles.open(plan.secretsDir, plan.job.job_id);
  try {
    const targetConfig = await secrets.writeConfig('target-config.json', plan.target!, root, JOB_FILES.targetConfig);
    const channel = RecordIdChannel.ofProcess();
    const collector = new WriteResultCollector(details, undefined, (text) => scrubber.scrub(text));
    // Deleted records leave the record-id map as their deletes are confirmed.
    collector.onResults((stream, results) => {
      const gone = results.filter((r) => r.success && r.deleted).map((r) => recordIdText(r.externalId));
      channel.remove(
        stream,
        gone.filter((id): id is string => id !== null),
      );
    });
    // A registered target under SINEW_CONNECTOR_USER runs as that account, as in the job (connector-identity.ts).
    const asConnector = async (run: ConnectorRun): Promise<ConnectorRun> => ({
      ...run,
      ...(await connectorIdentity(plan.target!, plan.connectorUser, secrets, run)),
      scrubber,
    });
    const schemas = await schemaLines(path.join(root, plan.streaming ? JOB_FILES.syncData : JOB_FILES.etlData));
    const message = await rollBackWrites({
      targetRun: await asConnector(await targetRunOf(plan.target!, targetConfig, root, plan.env, plan.addressPolicy)),
      jobRoot: root,
      collector,
      schemaLine: (stream) => schemas.get(stream),
    });
    await channel.settled();
    if (message === null) return report({ t: 'rolledBack', message: null });
    const page = await readExportDetails(readLines(createReadStream(details)), { limit: 0, offset: 0 });
    report({
      t: 'rolledBack',
      message,
      writeSummary: { summary: page.summary, bookmarks: null, results: 0, ...(page.rollback ? { rollback: page.rollback } : {}) },
    });
  } finally {
    await secrets.dispose();
  }
}
