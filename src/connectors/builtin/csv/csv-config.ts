import { invalid } from '../../../errors/sinew-error.js';
import { directoryPathSchema, openSourceDirectory, openTargetDirectory, type FileDirectory } from '../directory-config.js';

export interface CsvConfig {
  directory: FileDirectory;
  delimiter: string;
}

export const csvConfigSchema = {
  type: 'object',
  required: ['path'],
  properties: {
    path: directoryPathSchema,
    delimiter: { type: 'string', minLength: 1, maxLength: 4, default: ',', description: 'Field separator.' },
  },
} as const;

function readDelimiter(config: Record<string, unknown>): string {
  const delimiter = config.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length === 0 || delimiter.length > 4 || /["\r\n]/.test(delimiter)) {
    throw invalid('csv: config.delimiter must be 1 to 4 characters, without quotes or line breaks', {
      field: 'delimiter',
    });
  }
  return delimiter;
}

export async function readCsvConfig(config: Record<string, unknown>): Promise<CsvConfig> {
  const delimiter = readDelimiter(config);
  return { directory: await openSourceDirectory(config, 'csv'), delimiter };
}

/** The target's config; its directory is created when missing (after the delimiter is checked, so a bad config creates nothing). */
export async function readCsvTargetConfig(config: Record<string, unknown>): Promise<CsvConfig> {
  const delimiter = readDelimiter(config);
  return { directory: await openTargetDirectory(config, 'csv'), delimiter };
}
