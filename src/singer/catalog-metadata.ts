import type { CatalogMetadataEntry, CatalogStream } from '../model/catalog.js';

type Metadata = Record<string, unknown>;

export function entryAt(entries: CatalogMetadataEntry[], breadcrumb: string[]): CatalogMetadataEntry | undefined {
  return entries.find(
    (e) => Array.isArray(e.breadcrumb) && e.breadcrumb.length === breadcrumb.length && e.breadcrumb.every((b, i) => b === breadcrumb[i]),
  );
}

export function metadataAt(stream: CatalogStream, breadcrumb: string[]): Metadata {
  return entryAt(stream.metadata ?? [], breadcrumb)?.metadata ?? {};
}

/**
 * Whether a stream is selected: explicit `selected` at breadcrumb [] wins, then the legacy
 * stream-level `selected`, then the tap's `selected-by-default` (Meltano SDK behaviour).
 */
export function isStreamSelected(stream: CatalogStream): boolean {
  const top = metadataAt(stream, []);
  if (typeof top.selected === 'boolean') return top.selected;
  if (typeof stream.selected === 'boolean') return stream.selected;
  return top['selected-by-default'] === true;
}
