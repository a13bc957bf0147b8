import { readRuntimeConfig } from '../config/runtime-config.js';
import { startSinew } from '../app/start-sinew.js';
import type { BootstrapResult } from '../app/bootstrap.js';

function welcome(url: string, b: BootstrapResult): string {
  const lines = [`Sinew is listening on ${url} (environment ${b.envId})`];
  if (b.environmentKey) {
    lines.push('', `  Environment API key (shown once, keep it): ${b.environmentKey}`);
    if (b.publicKey) lines.push(`  Public key (for the widget, with tenant tokens): ${b.publicKey}`);
  }
  if (b.example) {
    const key = b.environmentKey ?? '$SINEW_API_KEY';
    lines.push(
      '',
      '  Run the example job (tenant CSV files → warehouse JSONL):',
      `    curl -s -X POST -H 'x-api-key: ${key}' -H 'content-type: application/json' -d '{}' ${url}/${b.envId}/${b.example.flowId}/${b.example.tenant}/jobs`,
      `  or: SINEW_API_KEY=${key} npx sinew jobs run --flow ${b.example.flowId} --tenant ${b.example.tenant}`,
      `  Tenant data: ${b.example.input}`,
      `  Output:      ${b.example.output}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `sinew serve` (and `npm start`): the API and the worker in one process, until SIGINT/SIGTERM. */
export async function serveCommand(): Promise<number> {
  const config = readRuntimeConfig();
  const sinew = await startSinew(config);
  process.stderr.write(welcome(sinew.url, sinew.bootstrap));
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sinew.stop();
  return 0;
}
