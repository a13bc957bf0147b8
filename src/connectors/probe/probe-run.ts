import { type SingerProcess, startSingerProcess } from '../../singer/singer-process.js';

export interface ProbeRunOptions {
  cwd: string;
  /** The host environment without Sinew's secrets: a probe is a tenant's program like any tap. */
  env: Record<string, string>;
  timeoutMs: number;
  /** stdout past this is not kept: the process is killed and the probe fails. */
  maxOutputBytes: number;
  /** The connector user's account (connector-run-dir.ts), when Sinew runs as root with one. */
  uid?: number;
  gid?: number;
}

/** A probe run that ended with exit code 0 gives its stdout; any other end gives a short reason. */
export type ProbeRunResult = { ok: true; stdout: string } | { ok: false; reason: string };

const MAX_REASON_CHARS = 300;

/**
 * Runs `command ...args` once to ask the executable about itself: stdin closed, its own process
 * group (killed as a whole on timeout or when it prints too much), never more than one short run.
 */
export async function runProbe(command: string[], args: string[], opts: ProbeRunOptions): Promise<ProbeRunResult> {
  let proc: SingerProcess;
  try {
    proc = startSingerProcess({
      command,
      args,
      cwd: opts.cwd,
      env: opts.env,
      stdin: 'ignore',
      name: args.join(' '),
      uid: opts.uid,
      gid: opts.gid,
    });
  } catch (e) {
    return { ok: false, reason: short((e as Error).message) };
  }
  let cut: string | null = null;
  const stop = (why: string): void => {
    cut ??= why;
    proc.kill('SIGKILL');
  };
  const timer = setTimeout(() => stop(`no answer within ${Math.round(opts.timeoutMs / 1000)} s`), opts.timeoutMs);
  const chunks: Buffer[] = [];
  let size = 0;
  const collected = (async () => {
    for await (const chunk of proc.stdout) {
      if (cut) continue; // drain until the killed process's pipe closes
      size += (chunk as Buffer).length;
      if (size > opts.maxOutputBytes) stop(`printed more than ${opts.maxOutputBytes} bytes`);
      else chunks.push(chunk as Buffer);
    }
  })();
  try {
    const [exit] = await Promise.all([proc.exited, collected]);
    if (cut) return { ok: false, reason: cut };
    if (exit.code !== 0) {
      const last = proc
        .stderrTail()
        .filter((line) => line.trim() !== '')
        .at(-1);
      const how = exit.signal ? `was killed by signal ${exit.signal}` : `exited with code ${exit.code}`;
      return { ok: false, reason: short(last ? `${how}: ${last.trim()}` : how) };
    }
    return { ok: true, stdout: Buffer.concat(chunks).toString('utf8') };
  } catch (e) {
    // It could not start (command not found, permission denied).
    return { ok: false, reason: short((e as Error).message) };
  } finally {
    clearTimeout(timer);
  }
}

function short(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}
