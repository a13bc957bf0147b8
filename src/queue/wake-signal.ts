/**
 * A sleep that can be cut short. A wake that arrives while nobody waits is kept for the next wait,
 * so a loop that checks for work and then sleeps never misses the wake sent in between.
 */
export class WakeSignal {
  #woken = false;
  #wake: (() => void) | undefined;

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
