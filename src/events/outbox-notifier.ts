/**
 * Wakes the dispatcher in this process when an event was committed (job status changes come
 * through JobLifecycle.changes; anything else may call notify()). Events written by other processes
 * are found by the dispatcher's fallback poll.
 */
export class OutboxNotifier {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const l of this.#listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
