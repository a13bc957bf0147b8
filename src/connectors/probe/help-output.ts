import type { CatalogFlag } from '../../model/connector-definition.js';
import type { ProbeFindings } from './probe-findings.js';

/** A long option as `--help` lists it: at a line start, after a space, comma or `[`. */
const option = (name: string): RegExp => new RegExp(`(^|[\\s,\\[])--${name}(?![\\w-])`, 'm');

/**
 * Reads the `--help` of a Singer executable (argparse in singer-python taps, click in the SDK):
 * which of `--discover`, `--catalog`, `--properties` and `--state` it lists. Null when the text
 * does not list `--config`, which every Singer tap takes: then it was no help text at all.
 */
export function readHelpOutput(stdout: string): ProbeFindings | null {
  if (!option('config').test(stdout)) return null;
  const listed = ['discover', 'catalog', 'properties', 'state'].filter((name) => option(name).test(stdout));
  const has = (name: string): boolean => listed.includes(name);
  const catalogFlag: CatalogFlag =
    has('catalog') && has('properties') ? 'both' : has('catalog') ? '--catalog' : has('properties') ? '--properties' : 'none';
  return {
    method: 'help',
    discover: has('discover'),
    catalogFlag,
    state: has('state'),
    settings: null,
    note: `--help lists --config${listed.map((name) => `, --${name}`).join('')}${
      catalogFlag === 'both' ? ' (a catalog goes as both: singer-python accepts both and a tap reads one)' : ''
    }`,
  };
}
