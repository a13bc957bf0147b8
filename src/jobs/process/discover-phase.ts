import path from 'node:path';
import { SecretScrubber } from '../../crypto/secret-scrubber.js';
import { phaseNamed } from '../../model/job-phases.js';
import { carrySelections } from '../../singer/catalog-refresh.js';
import { runDiscover } from '../../singer/singer-process.js';
import { JOB_FILES } from '../../storage/job-root.js';
import { connectorIdentity } from './connector-identity.js';
import type { JobPhase } from './job-phase.js';

/**
 * Discover: the tap's catalog, found afresh (no stored catalog, or the settings ask for it). The
 * tenant's selections survive wherever their streams and fields still exist; the link gets the
 * new catalog through the `discovered` report.
 */
export const DISCOVER_PHASE: JobPhase = {
  row: phaseNamed('discover'),
  async run(ctx) {
    const { plan, root } = ctx;
    // A password has no business in a catalog, which tenants read; names the config shares
    // (schema, database) do, so only secret-marked values are scrubbed from it.
    const discovered = SecretScrubber.ofSecretFields([plan.source]).scrubDeep(
      await runDiscover({
        command: plan.source.command,
        configPath: ctx.sourceConfig,
        ...(await connectorIdentity(plan.source, plan.connectorUser, ctx.secrets, { cwd: root, env: ctx.tapEnv })),
        // Its stderr goes to the tap's log too, before the sync's: a discover can be as noisy as a sync.
        logFile: path.join(root, JOB_FILES.tapLog),
        logLimits: ctx.logLimits,
        logFilter: ctx.scrubber.stream(),
      }),
    );
    ctx.catalog = carrySelections(discovered, plan.catalog);
    ctx.report({ t: 'discovered', catalog: ctx.catalog });
  },
};
