import { getBuiltinConnector } from '../connectors/builtin/registry.js';
import { runAsSingerTap, runAsSingerTarget } from '../connectors/sdk/singer-adapter.js';
import { UsageError } from './cli-args.js';

/** `sinew singer tap|target <connector> …`: any built-in connector as a Singer program (Meltano can use ours). */
export async function singerCommand(args: string[]): Promise<number> {
  const [role, id, ...rest] = args;
  if ((role !== 'tap' && role !== 'target') || !id) throw new UsageError('sinew singer tap|target <connector> --config config.json [--state s.json] [--catalog c.json] [--discover]');
  const connector = getBuiltinConnector(id);
  if (!connector) throw new UsageError(`no built-in connector ${id}`);
  return role === 'tap' ? runAsSingerTap(connector, rest) : runAsSingerTarget(connector, rest);
}
