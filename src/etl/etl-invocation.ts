import path from 'node:path';
import type { EtlStep } from '../model/etl-step.js';

export type EtlInvocation = { kind: 'module'; file: string; typescript: boolean } | { kind: 'executable'; argv: string[] };

const MODULE = /\.(m|c)?(js|ts)$/;
const TYPESCRIPT = /\.(m|c)?ts$/;

/** How to run a step. Relative script paths are taken from the job root (the script's cwd). */
export function etlInvocation(step: EtlStep, jobRoot: string): EtlInvocation {
  const script = step.script ? path.resolve(jobRoot, step.script) : undefined;
  if (step.command && step.command.length > 0) return { kind: 'executable', argv: [...step.command, ...(script ? [script] : [])] };
  if (!script) throw new Error("the flow's ETL step names neither a script nor a command");
  if (MODULE.test(script)) return { kind: 'module', file: script, typescript: TYPESCRIPT.test(script) };
  return { kind: 'executable', argv: [script] };
}
