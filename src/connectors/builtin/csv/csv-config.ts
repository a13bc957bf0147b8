import { invalid } from '../../../errors/sinew-error.js';
import { directoryPathSchema, readDirectoryPath } from '../directory-config.js';

export interface CsvConfig {
  path: string;
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

export function readCsvConfig(config: Record<string, unknown>): CsvConfig {
  const path = readDirectoryPath(config, 'csv');
  const delimiter = config.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length === 0 || delimiter.length > 4 || /["\r\n]/.test(delimiter)) {
    throw invalid('csv: config.delimiter must be 1 to 4 characters, without quotes or line breaks', {
      field: 'delimiter',
    });
  }
  return { path, delimiter };
}
