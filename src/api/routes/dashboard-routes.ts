import type { FastifyInstance } from 'fastify';
import { textAnswer } from '../schemas/schema-parts.js';
import { NO_WEB_FILES, type WebFiles } from '../web-bundles.js';

// Relative URLs: the page works under a reverse proxy's path prefix (`/sinew/`) as well as at the
// root. The key is never in a URL: the page asks for it and keeps it in sessionStorage.
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sinew</title>
  <link rel="icon" href="data:,">
</head>
<body>
  <div id="sinew-dashboard"></div>
  <noscript>The Sinew dashboard needs JavaScript.</noscript>
  <script src="dashboard.js"></script>
</body>
</html>
`;

/**
 * Only this origin's script and API; styles are set by the script (inline style elements); no frame
 * may embed the page (it holds an environment key), and no URL leaves it as a referrer.
 */
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** The route's one answer: text of this type. */
const text = (type: string, description: string) => ({ 200: textAnswer(type, description) });

/** `GET /`: the owner's dashboard (web/dashboard), and its script. Every call it makes is to the public API. */
export function registerDashboardRoutes(app: FastifyInstance, bundles: WebFiles = NO_WEB_FILES): void {
  app.get(
    '/',
    {
      schema: { response: text('text/html', 'The dashboard page') },
      config: { summary: "The owner's dashboard (sign in with an environment key)" },
    },
    async (_req, reply) => reply.type('text/html; charset=utf-8').headers(HEADERS).header('cache-control', 'no-cache').send(PAGE),
  );
  app.get(
    '/dashboard.js',
    { schema: { response: text('text/javascript', "The dashboard's script") }, config: { summary: "The owner's dashboard: its script" } },
    async (_req, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .send(await bundles.read('dashboard.js')),
  );
}
