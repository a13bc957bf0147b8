import type { Writable } from 'node:stream';

/**
 * A job's target while it runs: Singer lines go into `input`; every STATE it confirms goes to the
 * write results (when given) and the last one is kept. A Singer target is a child process; a
 * built-in write target runs inside the job process (in-process-target.ts). Both look alike here.
 */
export interface RunningTarget {
  /**
   * What `input` takes: newline-delimited Singer bytes (`lines`), or — an in-process target asked
   * for them — arrays of RoundItem from the record-id resolution (`prepared`, object mode).
   */
  readonly takes: 'lines' | 'prepared';
  /** The target's input. Errors (stops reading) once the target has failed. */
  readonly input: Writable;
  /** The last state the target confirmed; settles once its output has ended. */
  readonly output: Promise<Record<string, unknown> | null>;
  /** Settles when the target is done: true when it finished without failing. */
  readonly ended: Promise<boolean>;
  /** Fails the export (PhaseFailure) when the target failed, or when feeding it failed (`writeError`). */
  assertSucceeded(writeError: Error | null): Promise<void>;
  /** Stops it now (the job is failing for another reason). */
  stop(): void;
}
