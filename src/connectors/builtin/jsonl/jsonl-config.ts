import { directoryPathSchema, readDirectoryPath } from '../directory-config.js';

export const jsonlConfigSchema = {
  type: 'object',
  required: ['path'],
  properties: { path: directoryPathSchema },
} as const;

export function readJsonlConfig(config: Record<string, unknown>): { path: string } {
  return { path: readDirectoryPath(config, 'jsonl') };
}
