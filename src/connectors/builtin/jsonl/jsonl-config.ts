import { invalid } from '../../../errors/sinew-error.js';
import { directoryPathSchema, openSourceDirectory, openTargetDirectory, type FileDirectory } from '../directory-config.js';

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
        'As a target: `append` adds each run\'s records to `<stream>.jsonl`; `overwrite` empties the file the first time a run writes the stream, so it holds only the last run\'s records.',
    },
  },
} as const;

export async function readJsonlConfig(config: Record<string, unknown>): Promise<{ directory: FileDirectory }> {
  return { directory: await openSourceDirectory(config, 'jsonl') };
}

/** The target's config; its directory is created when missing (checked after the mode, so a bad config creates nothing). */
export async function readJsonlTargetConfig(config: Record<string, unknown>): Promise<{ directory: FileDirectory; mode: JsonlWriteMode }> {
  const mode = config.mode ?? 'append';
  if (mode !== 'append' && mode !== 'overwrite') {
    throw invalid('jsonl: config.mode must be "append" or "overwrite"', { field: 'mode' });
  }
  return { directory: await openTargetDirectory(config, 'jsonl'), mode };
}
