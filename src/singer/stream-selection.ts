import type { Catalog } from '../model/catalog.js';
import type { FieldMap, StreamFieldMap } from '../model/field-map.js';
import { StreamNames } from './stream-names.js';

export interface SelectionInput {
  /** The job's `override_selected_tables`: when given, exactly these streams are selected. */
  streams?: string[] | null;
  fieldMap?: FieldMap | null;
}

const isEmptyMap = (m: FieldMap | null | undefined): boolean => !m || Object.keys(m).length === 0;

/**
 * Which streams a job moves and how their fields are shaped, answered for any name of a stream
 * (see StreamNames). The one place that decides it: the catalog handed to the tap, the stream
 * filter of the sync and the field-map ETL step all ask here, so a stream selected at the tap is
 * never dropped later because a map was keyed by another of its names.
 */
export class StreamSelection {
  readonly names: StreamNames;
  private readonly entries = new Map<string, { key: string; entry: StreamFieldMap }>();
  private readonly overrides: Set<string> | null;

  constructor(
    catalog: Catalog | null,
    readonly input: SelectionInput,
  ) {
    this.names = new StreamNames(catalog);
    this.overrides = input.streams ? new Set(input.streams.map((n) => this.names.canonical(n))) : null;
    const map = input.fieldMap ?? {};
    // A key that is a tap_stream_id itself goes first, so it wins over a plain name of the same stream.
    const keys = Object.keys(map).sort((a, b) => Number(this.names.canonical(b) === b) - Number(this.names.canonical(a) === a));
    for (const key of keys) {
      const id = this.names.canonical(key);
      if (!this.entries.has(id)) this.entries.set(id, { key, entry: map[key]! });
    }
  }

  /**
   * What makes the choice unsafe to run, as a sentence; null when there is nothing: a name (in the
   * field map or `override_selected_tables`) that could mean more than one stream of the catalog.
   */
  ambiguityProblem(): string | null {
    const names = [...Object.keys(this.input.fieldMap ?? {}), ...(this.input.streams ?? [])];
    for (const name of names) {
      const ids = this.names.ambiguity(name);
      if (ids) return `"${name}" names more than one stream of the tap's catalog (${ids.join(', ')}): name it by its tap_stream_id`;
    }
    return null;
  }

  /** Whether the job chose streams at all (an override or a non-empty field map). */
  get hasChoice(): boolean {
    return this.overrides !== null || !isEmptyMap(this.input.fieldMap);
  }

  get hasFieldMap(): boolean {
    return !isEmptyMap(this.input.fieldMap);
  }

  /** The field-map entry of a stream, and the key it was found under. */
  entry(name: string): { key: string; entry: StreamFieldMap } | undefined {
    return this.entries.get(this.names.canonical(name));
  }

  /** true / false when the job chose (override, else a non-empty map); null when it left it open. */
  chosen(name: string): boolean | null {
    const id = this.names.canonical(name);
    if (this.overrides) return this.overrides.has(id);
    if (!this.hasFieldMap) return null;
    const found = this.entries.get(id);
    return found !== undefined && found.entry.selected !== false;
  }
}
