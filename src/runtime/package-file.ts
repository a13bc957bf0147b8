import { fileURLToPath } from 'node:url';

/**
 * The path of a file shipped in Sinew's package (e.g. `catalogue/singer-connectors.json`). This
 * module sits two folders below the package root wherever it runs — `src/runtime/` (tsx),
 * `dist/runtime/` (compiled) or bundled into `dist/bundle/` (what `sinew` starts) — so the root is
 * `../../` from it in all three; a module deeper down cannot say the same of itself.
 */
export function packageFile(relativeToRoot: string): string {
  return fileURLToPath(new URL(`../../${relativeToRoot}`, import.meta.url));
}
