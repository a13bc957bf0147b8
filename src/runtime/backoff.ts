/**
 * Exponential back-off with jitter for a loop that retries after failures: the first retry comes
 * after about `initialMs`, each next one twice as late up to `maxMs`, and a success starts over.
 * The jitter (each delay drawn between half and all of it) keeps many processes that lost the
 * database together from all reconnecting in the same instant.
 */
export class Backoff {
  #failures = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  /** Failures in a row so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure; returns how long to wait before the next try (ms). */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  reset(): void {
    this.#failures = 0;
  }
}
