import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiTarget, callApi } from './api-client.js';
import { apiTargetFrom } from './api-target.js';
import { parseCliArgs, UsageError } from './cli-args.js';

export const CONNECTORS_USAGE = `sinew connectors install <id> [--no-follow]  (re)install a connector registered with install; follows until done (exit 0 installed, 1 failed)
sinew connectors catalogue                   the well-known connectors an entry of which PUT …/connectors/{id} takes as {"catalogue": "<id>"}`;

const POLL_MS = 500;

/** `sinew connectors install|catalogue`, through the API (--url/SINEW_URL, --key/SINEW_API_KEY, --env/SINEW_ENV_ID). */
export async function connectorsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    url: { type: 'string' },
    key: { type: 'string' },
    env: { type: 'string' },
    'no-follow': { type: 'boolean' },
  });
  const [sub, ...rest] = positionals;
  if (sub === 'install' && rest.length === 1) return install(apiTargetFrom(values), rest[0]!, values['no-follow'] !== true);
  if (sub === 'catalogue' && rest.length === 0) {
    for (const e of await callApi(apiTargetFrom(values), 'get', '/{env}/connectors/catalogue')) {
      process.stdout.write(
        `${e.id}\t${e.kind}\t${e.name}\t${Object.entries(e.install)
          .map(([k, v]) => `${k}: ${v}`)
          .join('')}\n`,
      );
    }
    return 0;
  }
  throw new UsageError(`usage:\n${CONNECTORS_USAGE}`);
}

/** Starts the install, then prints its new log lines as they come (stderr) until it ends. */
async function install(t: ApiTarget, id: string, follow: boolean): Promise<number> {
  let def = await callApi(t, 'post', '/{env}/connectors/{id}/install', { path: { id } });
  process.stderr.write(`installing ${id}\n`);
  if (!follow) return 0;
  let printed: string[] = [];
  for (;;) {
    const lines = def.install?.log_tail ?? [];
    printed = printNew(printed, lines);
    const status = def.install?.status;
    if (status === 'installed') {
      process.stderr.write(`${id} installed (probed: ${def.probe?.method ?? 'none'})\n`);
      return 0;
    }
    if (status !== 'installing') {
      process.stderr.write(`${id}: install ${status ?? 'missing'}: ${def.install?.error ?? ''}\n`);
      return 1;
    }
    await sleep(POLL_MS);
    def = await callApi(t, 'get', '/{env}/connectors/{id}', { path: { id } });
  }
}

/** The tail is a window: prints what follows the last line already printed. */
function printNew(printed: string[], lines: string[]): string[] {
  const last = printed.at(-1);
  const from = last === undefined ? 0 : lines.lastIndexOf(last) + 1;
  for (const line of lines.slice(from)) process.stdout.write(`${line}\n`);
  return lines;
}
