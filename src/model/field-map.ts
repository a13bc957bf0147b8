/**
 * Which streams and fields move, under which names, with which fixed values.
 * `{ "<stream>": { "selected"?: boolean, "fields"?: { "<field>": true | "<new name>" | false },
 *   "rename"?: "<new stream name>", "values"?: { "<field>": <fixed value> } } }`
 * A stream absent from a non-empty map is not selected; an empty or absent map selects everything.
 */
export interface StreamFieldMap {
  selected?: boolean;
  fields?: Record<string, boolean | string>;
  rename?: string;
  values?: Record<string, unknown>;
  replication_key?: string;
  replication_method?: 'FULL_TABLE' | 'INCREMENTAL';
}

export type FieldMap = Record<string, StreamFieldMap>;
