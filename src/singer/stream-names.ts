import type { Catalog, CatalogStream } from '../model/catalog.js';
import { isStreamSelected } from './catalog-metadata.js';

/**
 * The names one catalog stream goes by. Real taps name a stream three ways: its `tap_stream_id`
 * (tap-postgres `mydb-public-orders`, tap-mysql `test-orders`), its `stream` name (`orders`), which
 * is also what its RECORD messages carry, and for some tables a `<schema>-<stream>` (or
 * `<schema>_<stream>`) destination name. A plain name may be shared: tap-postgres names the
 * `accounts` tables of every schema `accounts` in their records. Field maps,
 * `override_selected_tables` and the ETL step all resolve a name through here, so selection means
 * the same thing at the tap (catalog metadata) and in the pipeline.
 */
export class StreamNames {
  private readonly byId = new Map<string, CatalogStream>();
  private readonly byAlias = new Map<string, CatalogStream[]>();

  constructor(readonly catalog: Catalog | null) {
    const streams = catalog?.streams ?? [];
    for (const s of streams) if (typeof s.tap_stream_id === 'string') this.byId.set(s.tap_stream_id, s);
    for (const s of streams) {
      for (const alias of aliasesOf(s)) {
        const list = this.byAlias.get(alias) ?? [];
        if (!list.includes(s)) list.push(s);
        this.byAlias.set(alias, list);
      }
    }
  }

  /**
   * The catalog stream a name stands for: a `tap_stream_id` always; a plain name when one stream
   * has it, or when exactly one of the streams sharing it is selected (a tap sends only selected
   * streams, so that is whose records carry the name). Otherwise undefined: never a guess.
   */
  streamOf(name: string): CatalogStream | undefined {
    const exact = this.byId.get(name);
    if (exact) return exact;
    const candidates = this.byAlias.get(name) ?? [];
    if (candidates.length === 1) return candidates[0];
    const selected = candidates.filter(isStreamSelected);
    return selected.length === 1 ? selected[0] : undefined;
  }

  /** The canonical key of a stream: its `tap_stream_id` when the name resolves, else the name. */
  canonical(name: string): string {
    return this.streamOf(name)?.tap_stream_id ?? name;
  }

  /** The `tap_stream_id`s a plain name could mean, when it cannot be resolved to one. */
  ambiguity(name: string): string[] | null {
    if (this.byId.has(name)) return null;
    const candidates = this.byAlias.get(name) ?? [];
    return candidates.length > 1 && this.streamOf(name) === undefined ? candidates.map((s) => s.tap_stream_id) : null;
  }
}

function aliasesOf(stream: CatalogStream): string[] {
  const out: string[] = [];
  if (typeof stream.stream === 'string') out.push(stream.stream);
  const top = stream.metadata?.find((m) => Array.isArray(m.breadcrumb) && m.breadcrumb.length === 0)?.metadata;
  const schemaName = top?.['schema-name'];
  if (typeof schemaName === 'string' && typeof stream.stream === 'string')
    out.push(`${schemaName}-${stream.stream}`, `${schemaName}_${stream.stream}`);
  return out;
}
