import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Builds the browser faces (web/) into dist/public: the embeddable widget and the dashboard, each one
 * minified file. esbuild bundles them (it is already here, under tsx) with Preact's JSX.
 * `npm run build:web` (and `npm ci`, through `prepare`) runs it; the browser tests run it first so
 * they always test the sources. Prints each file's size, raw and gzipped (the widget's budget is
 * 60 KB gzipped: issue #16).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_OUT_DIR = path.join(ROOT, 'dist', 'public');

/** Entry point → the file it becomes. */
export const WEB_ENTRIES: Readonly<Record<string, string>> = {
  'widget.js': 'web/widget/index.tsx',
  'dashboard.js': 'web/dashboard/index.tsx',
};

export interface BuiltFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export async function buildWeb(outDir = WEB_OUT_DIR): Promise<BuiltFile[]> {
  await fs.mkdir(outDir, { recursive: true });
  const built: BuiltFile[] = [];
  for (const [file, entry] of Object.entries(WEB_ENTRIES)) {
    const result = await build({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['es2020'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const contents = result.outputFiles[0]!.contents;
    // Written beside and renamed: test files build in parallel, and a server may be reading the file.
    const target = path.join(outDir, file);
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temp, contents);
    await fs.rename(temp, target);
    built.push({ file, bytes: contents.byteLength, gzipBytes: gzipSync(contents, { level: 9 }).byteLength });
  }
  return built;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await buildWeb()) {
    console.log(
      `${f.file.padEnd(14)} ${(f.bytes / 1024).toFixed(1).padStart(7)} KB  ${(f.gzipBytes / 1024).toFixed(1).padStart(6)} KB gzipped`,
    );
  }
}
