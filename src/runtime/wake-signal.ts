/**
 * A sleep that can be cut short. A wake that arrives while nobody waits is kept for the next wait,
 * so a loop that checks for work and then sleeps never misses the wake sent in between.
 */
export class WakeSignal {
  #woken = false;
  #wake: (() => void) | undefined;

  /** Woken since the last wait or clear: a loop can skip its sleep (and start a new turn) at once. */
  get pending(): boolean {
    return this.#woken;
  }

  /** Forgets wakes so far: the loop is about to look at everything anyway. */
  clear(): void {
    this.#woken = false;
  }

  wake(): void {
    this.#woken = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves after `ms`, or as soon as woken (at once if woken since the last wait). */
  async wait(ms: number): Promise<void> {
    if (!this.#woken) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#wake = undefined;
          resolve();
        }, ms);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.#woken = false;
  }
}
