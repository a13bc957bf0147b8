import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Harness } from './sinew-harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/singer/', import.meta.url));
export const fixture = (name: string): string => path.join(fixtures, name);

export type Pair = 'node' | 'python';

/** Registers the test Singer programs as connectors `tap-numbers-<pair>` / `target-jsonl-<pair>`. */
export async function registerTestConnectors(h: Harness, pair: Pair): Promise<{ tap: string; target: string }> {
  const run = pair === 'node' ? process.execPath : 'python3';
  const ext = pair === 'node' ? 'mjs' : 'py';
  const tap = `tap-numbers-${pair}`;
  const target = `target-jsonl-${pair}`;
  const a = await h.api('PUT', `/${h.envId}/connectors/${tap}`, { kind: 'source', command: [run, fixture(`tap-numbers.${ext}`)] });
  if (a.status !== 200) throw new Error(`register tap: ${a.text}`);
  const b = await h.api('PUT', `/${h.envId}/connectors/${target}`, { kind: 'target', command: [run, fixture(`target-jsonl.${ext}`)] });
  if (b.status !== 200) throw new Error(`register target: ${b.text}`);
  return { tap, target };
}

/** A v1 source flow from `tap` to `target` (config `{ path: outDir }`), with `tenant` linked. */
export async function sourceFlow(
  h: Harness,
  opts: {
    flow: string;
    tap: string;
    target: string;
    outDir: string;
    tenant: string;
    sourceConfig: Record<string, unknown>;
    targetConfig?: Record<string, unknown>;
  },
): Promise<void> {
  const f = await h.api('PUT', `/${h.envId}/flows/${opts.flow}`, {
    name: opts.flow,
    type: 'v1-source',
    connectors: [opts.tap],
    target: { connector: opts.target, config: { path: opts.outDir, ...(opts.targetConfig ?? {}) } },
  });
  if (f.status !== 200) throw new Error(`flow: ${f.text}`);
  const l = await h.api('POST', `/${h.envId}/${opts.flow}/${opts.tenant}/linkedSources`, {
    source: { tap: opts.tap, config: opts.sourceConfig },
  });
  if (l.status !== 200) throw new Error(`link: ${l.text}`);
}
