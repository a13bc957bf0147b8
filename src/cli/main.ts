#!/usr/bin/env node
/** The `sinew` command. */
import { isSinewError } from '../errors/sinew-error.js';
import { ApiError } from './api-client.js';
import { UsageError } from './cli-args.js';
import { JOBS_USAGE, jobsCommand } from './jobs-command.js';

const USAGE = `usage:
sinew serve                       API + worker + scheduler in one process (the embedded default; npm start)
sinew api                         only the HTTP API (jobs are run by \`sinew worker\` processes)
sinew worker [--concurrency N]    only the worker: runs queued jobs, delivers events (N: SINEW_WORKER_CONCURRENCY)
sinew scheduler                   only the scheduler role: fires due schedules (no API, no worker)
sinew migrate                     apply store migrations, and install the job queue on PostgreSQL
sinew singer tap|target <id> …    run a built-in connector as a Singer tap or target
sinew env list | create <env_id>   the server's environments (on the data dir or database directly)
sinew keys list|create|revoke …    the environment's API keys (keys create without a key: the way back in)
sinew connectors install <id>      install a connector registered with install (pip, npm, path); exit 0 installed, 1 failed
sinew connectors catalogue         the catalogue of well-known Singer connectors
sinew tenants invalid-ids [--delete]  list (or delete) tenants stored under ids the API now refuses
${JOBS_USAGE}`;

// Each command is imported only when run: the server's modules (fastify, pg-boss, the S3 client…)
// cost seconds to load, and `sinew singer tap` is started once per job phase by the worker.
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./role-commands.js')).serveCommand();
    case 'api':
      return (await import('./role-commands.js')).apiCommand();
    case 'worker':
      return (await import('./role-commands.js')).workerCommand(rest);
    case 'scheduler':
      return (await import('./role-commands.js')).schedulerCommand();
    case 'migrate':
      return (await import('./migrate-command.js')).migrateCommand();
    case 'singer':
      return (await import('./singer-command.js')).singerCommand(rest);
    case 'jobs':
      return jobsCommand(rest);
    case 'env':
      return (await import('./env-command.js')).envCommand(rest);
    case 'keys':
      return (await import('./keys-command.js')).keysCommand(rest);
    case 'connectors':
      return (await import('./connectors-command.js')).connectorsCommand(rest);
    case 'tenants':
      return (await import('./tenants-command.js')).tenantsCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
      // No command is a usage error: the usage goes to stderr, stdout stays clean.
      process.stderr.write(`${USAGE}\n`);
      return 2;
    default:
      throw new UsageError(`unknown command ${command}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`sinew: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof ApiError || isSinewError(e)) {
      process.stderr.write(`sinew: ${(e as Error & { code: string }).code}: ${(e as Error).message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`sinew: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
