#!/usr/bin/env node
/** The `sinew` command. */
import { isSinewError } from '../errors/sinew-error.js';
import { ApiError } from './api-client.js';
import { UsageError } from './cli-args.js';
import { jobsCommand, JOBS_USAGE } from './jobs-command.js';
import { migrateCommand } from './migrate-command.js';
import { serveCommand } from './serve-command.js';
import { singerCommand } from './singer-command.js';

const USAGE = `usage:
sinew serve                       API + worker in one process (the embedded default; npm start)
sinew migrate                     apply store migrations (SINEW_DATABASE_URL)
sinew singer tap|target <id> …    run a built-in connector as a Singer tap or target
${JOBS_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand();
    case 'migrate':
      return migrateCommand();
    case 'singer':
      return singerCommand(rest);
    case 'jobs':
      return jobsCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
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
