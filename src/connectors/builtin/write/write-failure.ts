import { SinewError, isSinewError } from '../../../errors/sinew-error.js';

/**
 * An error that makes every write impossible (bad credentials, unreachable database, bad config):
 * the target stops and exits non-zero. Any other error fails only the records it concerns.
 */
export function writeImpossible(connectorId: string, message: string, details: Record<string, unknown> = {}): SinewError {
  return new SinewError('CONNECTOR_FAILED', `${connectorId}: ${message}`, { connector_id: connectorId, ...details, write_impossible: true });
}

export function isWriteImpossible(error: unknown): boolean {
  return isSinewError(error) && (error.code === 'VALIDATION_FAILED' || error.details.write_impossible === true);
}

/** The text of an error for a record's `error` field. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
