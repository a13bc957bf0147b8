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

/** JSON Schema of a field map, for every body that carries one (links, jobs, flows). */
export const fieldMapSchema = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: {
      selected: { type: 'boolean' },
      fields: { type: 'object', additionalProperties: { type: ['boolean', 'string'] } },
      rename: { type: 'string', minLength: 1 },
      values: { type: 'object', additionalProperties: true },
      replication_key: { type: 'string', minLength: 1 },
      replication_method: { type: 'string', enum: ['FULL_TABLE', 'INCREMENTAL'] },
    },
  },
} as const;

export const nullableFieldMapSchema = { ...fieldMapSchema, type: ['object', 'null'] } as const;
