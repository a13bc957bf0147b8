import type { BootstrapResult } from '../app/bootstrap.js';
import { type RunningSinew, startSinew } from '../app/start-sinew.js';
import { handleUnhandledRejections } from '../app/unhandled-rejections.js';
import { type RuntimeConfig, readRuntimeConfig } from '../config/runtime-config.js';
import { invalid } from '../errors/sinew-error.js';
import type { RoleSelection } from '../runtime/background-role.js';
import { parseCliArgs, UsageError } from './cli-args.js';

/**
 * `sinew serve | api | worker | scheduler`: the roles of a Sinew process. `serve` runs all three (the
 * embedded default, `npm start`); the others one each, for several processes over PostgreSQL.
 */

function welcome(url: string, b: BootstrapResult): string {
  const lines = [`Sinew is listening on ${url} (environment ${b.envId})`];
  if (b.environmentKey) {
    lines.push('', `  Environment API key (shown once, keep it): ${b.environmentKey}`);
    if (b.publicKey) lines.push(`  Public key (for the widget, with tenant tokens): ${b.publicKey}`);
  } else {
    lines.push('', '  Lost the environment key? Stop Sinew and run `npx sinew keys create` for a new one.');
  }
  lines.push(`  Dashboard: ${url}/ (sign in with the environment key)`, `  API docs:  ${url}/docs (the contract: ${url}/openapi.json)`);
  if (b.example) {
    // Double quotes: on a restart the key is `$SINEW_API_KEY`, which the shell must expand. The URL
    // is this server's, so the commands work as printed whatever PORT and HOST are.
    const key = b.environmentKey ?? '$SINEW_API_KEY';
    lines.push(
      '',
      '  Run the example job (tenant CSV files → warehouse JSONL):',
      `    curl -s -X POST -H "x-api-key: ${key}" -H 'content-type: application/json' -d '{}' ${url}/${b.envId}/${b.example.flowId}/${b.example.tenant}/jobs`,
      `  or: SINEW_URL=${url} SINEW_API_KEY=${key} SINEW_ENV_ID=${b.envId} npx sinew jobs run --flow ${b.example.flowId} --tenant ${b.example.tenant}`,
      `  Tenant data: ${b.example.input}`,
      `  Output:      ${b.example.output}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the roles until SIGINT/SIGTERM, then stops them: the API closes, the scheduler stops, the
 * worker drains (SINEW_WORKER_GRACE_MS, then hands running jobs back). A second signal ends the
 * grace period: running jobs are handed back at once, then the process exits — so they are queued
 * for another worker now, not failed as lost after their lease. Only a third signal (or SIGKILL)
 * exits without handing them back.
 */
async function runRoles(config: RuntimeConfig, roles: RoleSelection, banner: (sinew: RunningSinew) => string): Promise<number> {
  const sinew = await startSinew(config, roles);
  handleUnhandledRejections(sinew.services.logger);
  process.stderr.write(banner(sinew));
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (++signals === 1) {
        process.stderr.write(
          `Sinew: ${signal}: stopping${roles.worker ? ` (running jobs get ${config.workerGraceMs / 1000} s to finish)` : ''}\n`,
        );
        resolve();
      } else if (signals === 2 && roles.worker) {
        process.stderr.write(`Sinew: ${signal} again: handing running jobs back now (a third signal exits without that)\n`);
        sinew.endGracePeriod();
      } else {
        process.stderr.write(`Sinew: ${signal} again: exiting now\n`);
        process.exit(1);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await sinew.stop();
  return 0;
}

/**
 * A role of its own needs the shared store and queue of PostgreSQL: on SQLite one process owns the
 * file and its in-process queue (a worker there also takes every lease it finds as a dead process's).
 */
function sharedStoreConfig(command: string): RuntimeConfig {
  const config = readRuntimeConfig();
  if (!config.databaseUrl)
    throw invalid(
      `sinew ${command} runs beside other Sinew processes and needs SINEW_DATABASE_URL (PostgreSQL); with SQLite, run \`sinew serve\``,
    );
  return config;
}

/** `sinew serve` (and `npm start`): API, worker and scheduler in one process. */
export function serveCommand(): Promise<number> {
  return runRoles(readRuntimeConfig(), { api: true, worker: true, scheduler: true }, (s) => welcome(s.url, s.bootstrap!));
}

/** `sinew api`: the HTTP API alone; jobs it creates are run by `sinew worker` processes. */
export function apiCommand(): Promise<number> {
  return runRoles(sharedStoreConfig('api'), { api: true, worker: false, scheduler: false }, (s) => welcome(s.url, s.bootstrap!));
}

/** `sinew worker [--concurrency N]`: runs queued jobs (and delivers events); N defaults to SINEW_WORKER_CONCURRENCY. */
export function workerCommand(args: string[]): Promise<number> {
  const { values } = parseCliArgs(args, { concurrency: { type: 'string' } });
  const config = sharedStoreConfig('worker');
  if (values.concurrency !== undefined) {
    const n = Number(values.concurrency);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--concurrency must be a whole number of at least 1, got ${values.concurrency}`);
    config.workerConcurrency = n;
  }
  return runRoles(
    config,
    { api: false, worker: true, scheduler: false },
    (s) =>
      `Sinew worker running (${s.services.leases.owner}, concurrency ${config.workerConcurrency}, store ${s.services.store.dialect})\n`,
  );
}

/**
 * `sinew scheduler`: only the scheduler role (no API, no worker). Several may run over one store:
 * each tick is claimed by compare-and-set, so it fires once.
 */
export function schedulerCommand(): Promise<number> {
  return runRoles(
    readRuntimeConfig(),
    { api: false, worker: false, scheduler: true },
    (s) => `Sinew scheduler running (store ${s.services.store.dialect})\n`,
  );
}
