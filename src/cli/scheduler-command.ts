import { readRuntimeConfig } from '../config/runtime-config.js';
import { startSinew } from '../app/start-sinew.js';

/**
 * `sinew scheduler`: only the scheduler role (no API, no worker), until SIGINT/SIGTERM. Several may
 * run over one store: each tick is claimed by compare-and-set, so it fires once.
 */
export async function schedulerCommand(): Promise<number> {
  const sinew = await startSinew(readRuntimeConfig(), { api: false, worker: false, scheduler: true });
  process.stderr.write(`Sinew scheduler running (environment ${sinew.bootstrap.envId})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sinew.stop();
  return 0;
}
