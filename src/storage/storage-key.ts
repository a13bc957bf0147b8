import { invalid } from '../errors/sinew-error.js';

/** Rejects keys that could escape the storage root (`..`, absolute paths, NUL). */
export function checkStorageKey(key: string): string {
  const parts = key.split('/');
  if (key.includes('\0') || key.startsWith('/') || parts.some((p) => p === '..' || p === '.')) {
    throw invalid(`invalid storage key: ${JSON.stringify(key)}`);
  }
  return key;
}
