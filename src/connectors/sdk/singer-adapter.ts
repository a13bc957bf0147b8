import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { Catalog } from '../../model/catalog.js';
import { type AddressPolicy, STRICT_POLICY } from '../../outbound/address-policy.js';
import { readLines } from '../../singer/line-reader.js';
import { parseJson, stringifyJson } from '../../singer/lossless-json.js';
import type { SingerMessage } from '../../singer/message.js';
import { SingerWriter } from '../../singer/message-writer.js';
import { targetMessages } from '../../singer/target-messages.js';
import type { BuiltinConnector } from './connector.js';

export interface SingerIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** Bad usage: the caller's fault, exit code 2 like the Singer tools. */
class UsageError extends Error {}

interface SingerArgs {
  config: string | null;
  state: string | null;
  catalog: string | null;
  discover: boolean;
}

function parseArgs(argv: string[], role: 'tap' | 'target'): SingerArgs {
  const args: SingerArgs = { config: null, state: null, catalog: null, discover: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (role === 'tap' && flag === '--discover') {
      args.discover = true;
      continue;
    }
    const takesValue = flag === '--config' || (role === 'tap' && (flag === '--state' || flag === '--catalog' || flag === '--properties'));
    if (!takesValue) throw new UsageError(`unknown argument ${flag}`);
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a file path`);
    if (flag === '--config') args.config = value;
    else if (flag === '--state') args.state = value;
    else args.catalog = value;
  }
  if (!args.config) throw new UsageError('--config <file> is required');
  return args;
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseJson(text);
  } catch (error) {
    throw new UsageError(`the ${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function readObjectFile(path: string, what: string): Promise<Record<string, unknown>> {
  const value = await readJsonFile(path, what);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`the ${what} file ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

function defaultIo(): SingerIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

function line(out: Writable, text: string): void {
  out.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Runs the adapter body, turning usage errors into exit 2 and connector errors into exit 1. */
async function guarded(io: SingerIo, name: string, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError;
    line(io.stderr, `${name}: ${usage ? 'usage error: ' : ''}${(error as Error).message ?? String(error)}`);
    return usage ? 2 : 1;
  }
}

/**
 * Runs a built-in connector as a Singer tap: `--config c.json [--state s.json]
 * [--catalog|--properties k.json] [--discover]`. Messages go to stdout, logs to stderr.
 * Its connections pass `addressPolicy` (default: public addresses only).
 * Returns the exit code (0 ok, 1 connector failure, 2 bad usage); never calls process.exit.
 */
export async function runAsSingerTap(
  connector: BuiltinConnector,
  argv: string[],
  io: SingerIo = defaultIo(),
  addressPolicy: AddressPolicy = STRICT_POLICY,
): Promise<number> {
  const name = `tap-${connector.definition.id}`;
  return guarded(io, name, async () => {
    const source = connector.source;
    if (!source) throw new UsageError(`connector ${connector.definition.id} cannot act as a tap`);
    const args = parseArgs(argv, 'tap');
    const config = await readObjectFile(args.config!, 'config');
    const writer = new SingerWriter(io.stdout);
    if (args.discover) {
      const catalog = await source.discover(config, addressPolicy);
      await writer.writeRaw(Buffer.from(stringifyJson(catalog)));
      await writer.flush();
      return;
    }
    const state = args.state ? await readObjectFile(args.state, 'state') : {};
    const catalog = args.catalog ? ((await readObjectFile(args.catalog, 'catalog')) as unknown as Catalog) : null;
    if (catalog && !Array.isArray(catalog.streams)) throw new UsageError(`the catalog file ${args.catalog} has no "streams" array`);
    await source.sync({
      config,
      catalog,
      state,
      addressPolicy,
      out: { write: (message: SingerMessage) => writer.write(message), writeRaw: (line: Buffer) => writer.writeRaw(line) },
      log: (message: string) => line(io.stderr, message),
    });
    await writer.flush();
  });
}

/**
 * Runs a built-in connector as a Singer target: reads messages from stdin (log lines and
 * invalid messages are skipped with a warning on stderr), and prints each state the connector
 * emits as one line on stdout — the bare state value, as singer-python and Meltano SDK targets do.
 * Its connections pass `addressPolicy` (default: public addresses only).
 */
export async function runAsSingerTarget(
  connector: BuiltinConnector,
  argv: string[],
  io: SingerIo = defaultIo(),
  addressPolicy: AddressPolicy = STRICT_POLICY,
): Promise<number> {
  const name = `target-${connector.definition.id}`;
  return guarded(io, name, async () => {
    const target = connector.target;
    if (!target) throw new UsageError(`connector ${connector.definition.id} cannot act as a target`);
    const args = parseArgs(argv, 'target');
    const config = await readObjectFile(args.config!, 'config');
    const writer = new SingerWriter(io.stdout);
    await target.write(
      {
        config,
        emitState: (value: Record<string, unknown>) => writer.writeRaw(Buffer.from(stringifyJson(value))),
        log: (message: string) => line(io.stderr, message),
        addressPolicy,
      },
      targetMessages(readLines(io.stdin), name, (message) => line(io.stderr, message)),
    );
    await writer.flush();
  });
}
