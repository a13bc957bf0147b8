import { ConnectorRunDir } from '../../runtime/connector-run-dir.js';
import type { ConnectorUser } from '../../runtime/connector-user.js';
import { hostEnvironment } from '../connector-environment.js';
import { readAboutOutput } from './about-output.js';
import { readHelpOutput } from './help-output.js';
import type { ProbeFindings, ProbeOutcome } from './probe-findings.js';
import { type ProbeRunOptions, runProbe } from './probe-run.js';

export interface ProbeConnectorOptions {
  /** Per probe run; the two run side by side. Default 10 s. */
  timeoutMs?: number;
  /** SINEW_CONNECTOR_USER: the executable answers as this account, as it will run in jobs. */
  user?: ConnectorUser | null;
}

const PROBE_TIMEOUT_MS = 10_000;
/** An about document or a help text is a few KiB; more is not an answer worth keeping. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Asks a registered executable what it can do: the Singer SDK's `--about --format=json` (exact,
 * with the config schema) and `--help` (singer-python's argparse and click list their flags). The
 * SDK answer wins; with neither, the outcome says why, and Sinew's defaults apply.
 */
export async function probeConnector(command: string[], opts: ProbeConnectorOptions = {}): Promise<ProbeOutcome> {
  // Its own empty working directory: a program that does more than answer litters nothing of ours.
  const dir = await ConnectorRunDir.open('probe', opts.user ?? null);
  try {
    const run: ProbeRunOptions = {
      ...dir.spawnOptions(hostEnvironment()),
      timeoutMs: opts.timeoutMs ?? PROBE_TIMEOUT_MS,
      maxOutputBytes: MAX_OUTPUT_BYTES,
    };
    const [about, help] = await Promise.all([
      ask(command, ['--about', '--format=json'], run, readAboutOutput, 'printed no JSON with capabilities'),
      ask(command, ['--help'], run, readHelpOutput, 'printed no help listing --config'),
    ]);
    if (typeof about !== 'string') return about;
    if (typeof help !== 'string') return help;
    return { method: 'none', note: `--about --format=json: ${about}; --help: ${help}` };
  } finally {
    await dir.dispose();
  }
}

/** The findings of one probe, or why it gave none. */
async function ask(
  command: string[],
  args: string[],
  run: ProbeRunOptions,
  read: (stdout: string) => ProbeFindings | null,
  unreadable: string,
): Promise<ProbeFindings | string> {
  const result = await runProbe(command, args, run);
  if (!result.ok) return result.reason;
  return read(result.stdout) ?? unreadable;
}
