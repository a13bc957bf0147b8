import type { FromSchema } from 'json-schema-to-ts';
import { configReader } from '../config-from-schema.js';
import { directoryPathSchema, type FileDirectory, openSourceDirectory, openTargetDirectory } from '../directory-config.js';

export interface CsvConfig {
  directory: FileDirectory;
  delimiter: string;
}

export const csvConfigSchema = {
  type: 'object',
  required: ['path'],
  properties: {
    path: directoryPathSchema,
    // No quote or line break: either would make the files unreadable as CSV.
    delimiter: {
      type: 'string',
      minLength: 1,
      maxLength: 4,
      pattern: '^[^"\\r\\n]+$',
      default: ',',
      description: 'Field separator (1 to 4 characters, no quotes or line breaks).',
    },
  },
} as const;

/** The config as the schema reads it, defaults filled in. */
type CsvSchemaConfig = FromSchema<typeof csvConfigSchema>;
const readSchemaConfig = configReader<CsvSchemaConfig>('csv', csvConfigSchema, { blankIsUnset: false });

export async function readCsvConfig(config: Record<string, unknown>): Promise<CsvConfig> {
  const { delimiter } = readSchemaConfig(config);
  return { directory: await openSourceDirectory(config, 'csv'), delimiter };
}

/** The target's config; its directory is created when missing (after the delimiter is checked, so a bad config creates nothing). */
export async function readCsvTargetConfig(config: Record<string, unknown>): Promise<CsvConfig> {
  const { delimiter } = readSchemaConfig(config);
  return { directory: await openTargetDirectory(config, 'csv'), delimiter };
}
