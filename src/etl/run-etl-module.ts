/**
 * Entry point of an ETL module's process (started by runEtlScript, one per ETL step):
 * `node [--max-old-space-size=N] [--import tsx] run-etl-module.js <script>`, cwd = the job folder.
 * Imports the owner's module, calls its default export with the kit bound to this job, ends the
 * output, and exits. A failure's message goes to fd 3 (a pipe runEtlScript reads), so the job's
 * `error` shows the script's own message rather than a stack trace; the stack goes to stderr (the log).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEtlKit, type EtlContext } from './etl-kit.js';

const ERROR_FD = 3;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : `the ETL script threw ${JSON.stringify(error) ?? String(error)}`;
}

function fail(error: unknown): never {
  process.stderr.write(`${error instanceof Error && error.stack ? error.stack : messageOf(error)}\n`);
  try {
    fs.writeSync(ERROR_FD, `${JSON.stringify({ message: messageOf(error) })}\n`);
  } catch {
    /* run by hand, without the error pipe: stderr has it */
  }
  process.exit(1);
}

type EtlEntry = (ctx: EtlContext) => unknown;

/** The default export, also when a CommonJS-compiled module nests it (`module.exports.default`). */
function entryOf(mod: Record<string, unknown>, file: string): EtlEntry {
  let entry = mod.default;
  if (entry && typeof entry === 'object' && typeof (entry as { default?: unknown }).default === 'function')
    entry = (entry as { default: unknown }).default;
  if (typeof entry !== 'function')
    throw new Error(`the ETL module ${path.basename(file)} has no default export function (export default async (ctx) => { … })`);
  return entry as EtlEntry;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: run-etl-module <script>');
  const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  const kit = createEtlKit(process.cwd());
  await entryOf(mod, file)(kit);
  await kit.close();
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main().then(() => process.exit(0), fail);
