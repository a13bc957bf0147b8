import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { buildServer } from '../api/build-server.js';
import { Worker } from '../jobs/worker.js';
import { JobPlanBuilder } from '../jobs/job-plan-builder.js';
import { createServices } from './create-services.js';
import { bootstrapEnvironment, type BootstrapResult } from './bootstrap.js';
import type { SinewServices } from './services.js';

export interface RunningSinew {
  url: string;
  services: SinewServices;
  bootstrap: BootstrapResult;
  stop(): Promise<void>;
}

/** `sinew serve`: API + worker (+ scheduler, when it exists) in one process — the embedded default. */
export async function startSinew(config: RuntimeConfig): Promise<RunningSinew> {
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers["x-api-key"]', 'req.headers.authorization', '*.config', '*.password', '*.secret'], censor: '********' },
  });
  const services = await createServices(config, logger);
  const bootstrap = await bootstrapEnvironment(services, config);
  let server: FastifyInstance | undefined;
  let worker: Worker | undefined;
  try {
    server = await buildServer(services);
    const address = await server.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', '127.0.0.1');
    worker = new Worker({
      store: services.store,
      queue: services.queue,
      storage: services.storage,
      lifecycle: services.lifecycle,
      planBuilder: new JobPlanBuilder(services.store, services.box, url),
      logger,
      concurrency: config.workerConcurrency,
    });
    await worker.start();
    let stopped = false;
    return {
      url,
      services,
      bootstrap,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server!.close();
        await worker!.stop();
        await services.store.close();
      },
    };
  } catch (e) {
    await server?.close();
    await services.store.close();
    throw e;
  }
}
