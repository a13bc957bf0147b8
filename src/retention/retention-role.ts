import type { Logger } from 'pino';
import type { BackgroundRole } from '../runtime/background-role.js';
import type { RetentionPruner } from './retention-pruner.js';

/**
 * Runs retention passes in the scheduler's process (the one that does periodic work on the store
 * whatever the number of workers): one pass at start, then one every `intervalMs`
 * (SINEW_RETENTION_INTERVAL_MS). A failed pass is logged; the loop never ends on an error.
 */
export class RetentionRole implements BackgroundRole {
  readonly name = 'retention';
  #stopped = true;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly pruner: RetentionPruner,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    this.#stopped = false;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      await this.pruner
        .pruneOnce(this.now(), () => this.#stopped)
        .catch((e: unknown) => {
          this.logger.warn({ err: (e as Error).message }, 'retention: a pass failed; trying again at the next');
        });
      if (this.#stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}
