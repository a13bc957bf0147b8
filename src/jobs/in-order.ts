/**
 * Work done one piece after another, in the order it was added: what a job process reports is
 * applied in the order sent (a record-id lookup sees every save before it, the job's end every
 * result). A piece that fails goes to `onError` and the next one still runs.
 */
export class InOrder {
  #tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (e: Error) => void) {}

  add(work: () => Promise<unknown>): void {
    this.#tail = this.#tail.then(work).then(
      () => {},
      (e: unknown) => this.onError(e as Error),
    );
  }

  /** Resolves once everything added so far has been done. */
  done(): Promise<void> {
    return this.#tail;
  }
}
