import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetConnector } from '../../src/connectors/sdk/connector.js';
import { parseJson, stringifyJson } from '../../src/singer/lossless-json.js';
import type { SingerMessage } from '../../src/singer/message.js';

/** What a write target reported: every emitted STATE value, in order, and its log lines. */
export interface TargetRun {
  states: Array<{ bookmarks: Record<string, Array<Record<string, unknown>>>; summary: Record<string, Record<string, number>> }>;
  logs: string[];
}

async function* each(messages: SingerMessage[]): AsyncGenerator<SingerMessage> {
  yield* messages;
}

/** The fake APIs and the test database listen on loopback: what the targets here may reach. */
const LOOPBACK_ALLOWED = { allowPrivate: false, allowLoopback: true };

/** Runs a target in this process through TargetConnector.write. */
export async function writeThrough(
  target: TargetConnector,
  config: Record<string, unknown>,
  messages: SingerMessage[],
): Promise<TargetRun> {
  const run: TargetRun = { states: [], logs: [] };
  const ctx = {
    config,
    emitState: (v: Record<string, unknown>) => void run.states.push(v as TargetRun['states'][number]),
    log: (m: string) => void run.logs.push(m),
    addressPolicy: LOOPBACK_ALLOWED,
  };
  await target.write(ctx, each(messages));
  return run;
}

/** All per-record results of a run for a stream, in emission order. */
export function resultsOf(run: Pick<TargetRun, 'states'>, stream: string): Array<Record<string, unknown>> {
  return run.states.flatMap((s) => s.bookmarks?.[stream] ?? []);
}

export interface ProcessRun extends Pick<TargetRun, 'states'> {
  code: number | null;
  stderr: string;
}

const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs `sinew singer target <id> --config c.json` as a real child process, the messages on stdin. */
export async function writeAsSingerProcess(id: string, config: Record<string, unknown>, messages: SingerMessage[]): Promise<ProcessRun> {
  const dir = await mkdtemp(join(tmpdir(), 'sinew-write-target-'));
  try {
    const configPath = join(dir, 'config.json');
    await writeFile(configPath, JSON.stringify(config));
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, 'singer', 'target', id, '--config', configPath], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdin.end(`${messages.map((m) => stringifyJson(m)).join('\n')}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const states = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => parseJson(l) as TargetRun['states'][number]);
    return { code, stderr, states };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function recordMessage(stream: string, record: Record<string, unknown>): SingerMessage {
  return { type: 'RECORD', stream, record };
}
