#!/usr/bin/env node
// The installed `sinew` command: runs the compiled CLI, bundled (built by `npm ci` / `npm run build`;
// scripts/build-server.ts says why a bundle).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('sinew: dist/ is missing; run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
await import(main);
