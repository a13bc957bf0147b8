import { isSinewError, SinewError } from '../../../errors/sinew-error.js';
import type { WriteResult } from '../../sdk/write-result.js';

/**
 * An error that makes every write impossible (bad credentials, unreachable database, bad config):
 * the target stops and exits non-zero. Any other error fails only the records it concerns.
 */
export function writeImpossible(connectorId: string, message: string, details: Record<string, unknown> = {}): SinewError {
  return new SinewError('CONNECTOR_FAILED', `${connectorId}: ${message}`, {
    connector_id: connectorId,
    ...details,
    write_impossible: true,
  });
}

export function isWriteImpossible(error: unknown): boolean {
  return isSinewError(error) && (error.code === 'VALIDATION_FAILED' || error.details.write_impossible === true);
}

/** The text of an error for a record's `error` field. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Results of records a batch had already written when its write became impossible. */
const partialResults = new WeakMap<object, readonly WriteResult[]>();

/**
 * Marks a write-impossible error with the results of the records written before it, so the
 * target still reports them (the records exist remotely: rollback must be able to find them).
 */
export function withPartialResults(error: unknown, done: readonly WriteResult[]): unknown {
  if (typeof error === 'object' && error !== null && done.length > 0)
    partialResults.set(error, [...(partialResults.get(error) ?? []), ...done]);
  return error;
}

export function partialResultsOf(error: unknown): readonly WriteResult[] {
  return (typeof error === 'object' && error !== null && partialResults.get(error)) || [];
}
