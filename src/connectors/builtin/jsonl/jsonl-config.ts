import type { FromSchema } from 'json-schema-to-ts';
import { configReader } from '../config-from-schema.js';
import { directoryPathSchema, type FileDirectory, openSourceDirectory, openTargetDirectory } from '../directory-config.js';

/** How the target treats a stream's file that is already there. */
export type JsonlWriteMode = 'append' | 'overwrite';

export const jsonlConfigSchema = {
  type: 'object',
  required: ['path'],
  properties: {
    path: directoryPathSchema,
    mode: {
      type: 'string',
      enum: ['append', 'overwrite'],
      default: 'append',
      description:
        "As a target: `append` adds each run's records to `<stream>.jsonl`; `overwrite` empties the file the first time a run writes the stream, so it holds only the last run's records.",
    },
  },
} as const;

/** The config as the schema reads it, defaults filled in. */
type JsonlSchemaConfig = FromSchema<typeof jsonlConfigSchema>;
const readSchemaConfig = configReader<JsonlSchemaConfig>('jsonl', jsonlConfigSchema, { blankIsUnset: false });

export async function readJsonlConfig(config: Record<string, unknown>): Promise<{ directory: FileDirectory }> {
  return { directory: await openSourceDirectory(config, 'jsonl') };
}

/** The target's config; its directory is created when missing (checked after the mode, so a bad config creates nothing). */
export async function readJsonlTargetConfig(config: Record<string, unknown>): Promise<{ directory: FileDirectory; mode: JsonlWriteMode }> {
  const { mode } = readSchemaConfig(config);
  return { directory: await openTargetDirectory(config, 'jsonl'), mode };
}
