import { getBuiltinConnector } from '../connectors/builtin/registry.js';
import { runAsSingerTap, runAsSingerTarget } from '../connectors/sdk/singer-adapter.js';
import { readAllowLoopback } from '../outbound/loopback-flag.js';
import { readPolicyEnvironment } from '../outbound/policy-env.js';
import { UsageError } from './cli-args.js';

/** `sinew singer tap|target <connector> …`: any built-in connector as a Singer program (Meltano can use ours). */
export async function singerCommand(args: string[]): Promise<number> {
  const [role, id, ...rest] = args;
  if ((role !== 'tap' && role !== 'target') || !id)
    throw new UsageError('sinew singer tap|target <connector> --config config.json [--state s.json] [--catalog c.json] [--discover]');
  const connector = getBuiltinConnector(id);
  if (!connector) throw new UsageError(`no built-in connector ${id}`);
  // A job hands its built-in taps the environment's policy (policy-env.ts). Otherwise there is no
  // environment here, so no owner's allowance: public addresses, plus loopback only when the
  // operator's flag says so explicitly (jobs run the built-in write targets in-process anyway).
  const addressPolicy = readPolicyEnvironment(process.env) ?? { allowPrivate: false, allowLoopback: readAllowLoopback(process.env, false) };
  return role === 'tap'
    ? runAsSingerTap(connector, rest, undefined, addressPolicy)
    : runAsSingerTarget(connector, rest, undefined, addressPolicy);
}
