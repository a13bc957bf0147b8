import fs from 'node:fs/promises';
import path from 'node:path';
import { applySelection, isStreamSelected } from '../../singer/catalog-selection.js';
import { stringifyJson } from '../../singer/lossless-json.js';
import { tapArgs } from '../../singer/singer-process.js';
import { StreamSelection } from '../../singer/stream-selection.js';
import { JOB_FILES } from '../../storage/job-root.js';
import { connectorIdentity } from './connector-identity.js';
import type { JobContext, TapAndTarget } from './job-context.js';
import { PhaseFailure } from './phase-failure.js';
import { targetRunOf } from './target-run.js';

/**
 * Before the sync (streaming or not): the job's choice of streams and fields applied to the
 * catalog, `catalog.json` written for the tap, and the tap's and the target's runs made ready.
 * A choice that cannot be honoured fails the sync before it starts.
 */
export async function prepareTapAndTarget(ctx: JobContext): Promise<TapAndTarget> {
  const { plan, root, secrets, catalog } = ctx;
  const choice = { streams: plan.selectedTables, fieldMap: plan.fieldMap };
  // A name that could mean two streams is never guessed: the job would move the wrong table.
  const ambiguous = new StreamSelection(catalog, choice).ambiguityProblem();
  if (ambiguous) throw new PhaseFailure('sync', `the job's stream selection is ambiguous: ${ambiguous}`);
  const selected = catalog ? applySelection(catalog, choice) : null;
  // One answer to "which streams, which fields" for the sync and the ETL step, read from the catalog
  // the tap gets (a record's plain name means the selected stream that has it).
  const selection = new StreamSelection(selected, choice);
  ctx.selection = selection;
  // override_selected_tables binds taps that take no catalog (or ignore it) too: left out at the sync.
  if (plan.selectedTables) ctx.tally.excludeStreams((stream) => selection.chosen(stream) === false);
  let catalogPath: string | undefined;
  if (selected) {
    if (selection.hasChoice && !selected.streams.some(isStreamSelected)) {
      throw new PhaseFailure('sync', "the job's field map or override_selected_tables selects no stream of the tap's catalog");
    }
    catalogPath = path.join(root, JOB_FILES.catalog);
    await fs.writeFile(catalogPath, `${stringifyJson(selected)}\n`);
  }
  const statePath = path.join(root, JOB_FILES.state);
  const tap = {
    command: plan.source.command,
    // A registered tap under SINEW_CONNECTOR_USER gets its files in the job's private folder.
    ...(await connectorIdentity(plan.source, plan.connectorUser, secrets, {
      cwd: root,
      env: ctx.tapEnv,
      args: tapArgs({
        configPath: ctx.sourceConfig,
        statePath,
        catalogPath,
        catalogFlag: plan.source.catalogFlag,
        acceptsState: plan.source.acceptsState,
      }),
    })),
    logLimits: ctx.logLimits,
    scrubber: ctx.scrubber,
  };
  const targetRun =
    plan.target && ctx.targetConfig ? await targetRunOf(plan.target, ctx.targetConfig, root, plan.env, plan.addressPolicy) : null;
  const target =
    targetRun && plan.target
      ? {
          ...targetRun,
          ...(await connectorIdentity(plan.target, plan.connectorUser, secrets, targetRun)),
          logLimits: ctx.logLimits,
          scrubber: ctx.scrubber,
        }
      : null;
  ctx.connectors = { selection, selected, tap, target };
  return ctx.connectors;
}
