import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js';

/** A typed error with a catalogue code; the API turns it into `{ error: { code, message, details } }`. */
export class SinewError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SinewError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  toBody(): { error: { code: ErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const isSinewError = (e: unknown): e is SinewError => e instanceof SinewError;

export function notFound(what: string, details: Record<string, unknown> = {}): SinewError {
  return new SinewError('NOT_FOUND', `${what} not found`, details);
}

export function invalid(message: string, details: Record<string, unknown> = {}): SinewError {
  return new SinewError('VALIDATION_FAILED', message, details);
}
