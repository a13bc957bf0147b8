import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { textAnswer } from '../schemas/schema-parts.js';

/** swagger-ui-dist's folder: the files are served from the installed package, never a CDN (Sinew runs offline). */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The page, its URLs relative so that it works under a reverse proxy's path prefix as well as at
 * the root. At /docs they resolve from the folder above; at /docs/ (a trailing slash) they would
 * point one folder too deep, so that page names the folder above as its base.
 */
const docsPage = (head: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Sinew API</title>${head}
  <link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/docs-init.js"></script>
</body>
</html>
`;
const PAGE = docsPage('');
const PAGE_WITH_SLASH = docsPage('\n  <base href="../">');

// validatorUrl null: Swagger UI would otherwise send the document to an online validator for its badge.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true, persistAuthorization: true });
});
`;

/** The route's one answer: text of this type. */
const text = (type: string, description: string) => ({ 200: textAnswer(type, description) });

/** `GET /docs`: interactive API docs (Swagger UI) over /openapi.json, with its two assets. */
export function registerDocsRoutes(app: FastifyInstance): void {
  const assets = new Map<string, Promise<Buffer>>();
  /** Read once, on first use: the bundle is 1.8 MB and most servers never serve it. */
  const asset = (file: string): Promise<Buffer> => {
    let cached = assets.get(file);
    if (!cached) {
      cached = readFile(path.join(SWAGGER_UI_DIR, file));
      cached.catch(() => assets.delete(file));
      assets.set(file, cached);
    }
    return cached;
  };
  app.get(
    '/docs',
    {
      schema: { response: text('text/html', 'The Swagger UI page') },
      config: { summary: 'Interactive API docs (Swagger UI) for /openapi.json' },
    },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE),
  );
  app.get(
    '/docs/',
    {
      schema: { response: text('text/html', 'The Swagger UI page, its URLs resolved from one folder up') },
      config: { summary: 'Interactive API docs at /docs/ (with a trailing slash)' },
    },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE_WITH_SLASH),
  );
  app.get(
    '/docs/docs-init.js',
    {
      schema: { response: text('text/javascript', 'Starts Swagger UI on /openapi.json') },
      config: { summary: 'The docs page: its start-up script' },
    },
    async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(INIT),
  );
  for (const [file, type] of [
    ['swagger-ui.css', 'text/css'],
    ['swagger-ui-bundle.js', 'text/javascript'],
  ] as const) {
    app.get(
      `/docs/${file}`,
      { schema: { response: text(type, `Swagger UI's ${file}`) }, config: { summary: `The docs page: Swagger UI's ${file}` } },
      async (_req, reply) =>
        reply
          .type(`${type}; charset=utf-8`)
          .header('cache-control', 'public, max-age=86400')
          .send(await asset(file)),
    );
  }
}
