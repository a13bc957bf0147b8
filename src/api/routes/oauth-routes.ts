import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SinewError } from '../../errors/sinew-error.js';
import type { OAuthAppInput } from '../../oauth/oauth-app-service.js';
import type { OAuthStartInput } from '../../oauth/oauth-flow-service.js';
import { noContent } from '../schemas/schema-parts.js';
import type { SinewServices } from '../sinew-services.js';
import { callbackPage, outcomeMessage, returnLocation } from './oauth-callback-page.js';
import type { TenantPath } from './route-params.js';

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const url = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const appParams = {
  type: 'object',
  required: ['env', 'id'],
  properties: { env: id, id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;
const startParams = {
  type: 'object',
  required: ['env', 'flow', 'tenant', 'connector_id'],
  properties: { env: id, flow: id, tenant: id, connector_id: id },
} as const;

/** What the callback tells a client that is not a browser (and the pop-up's opener), when linking worked. */
const outcomeView = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'ok', 'code', 'message'],
  properties: {
    type: { type: 'string', enum: ['sinew:oauth'] },
    ok: { type: 'boolean' },
    code: { type: 'string', description: '`linked`, or why not' },
    message: { type: 'string' },
    connector_id: { type: ['string', 'null'] },
    flow_id: { type: ['string', 'null'] },
    tenant: { type: ['string', 'null'] },
  },
} as const;

const appView = {
  type: 'object',
  additionalProperties: false,
  properties: {
    connector_id: { type: 'string' },
    client_id: { type: 'string' },
    client_secret: { type: 'string', description: 'Always ******** : the secret is sealed and never shown.' },
    redirect_uri: { type: 'string' },
    return_urls: { type: 'array', items: { type: 'string' } },
    authorization_url: { type: 'string' },
    token_url: { type: 'string' },
    updated_at: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * OAuth linking (issue #15): the owner's OAuth app per connector, starting an authorization for a
 * tenant, and the provider's redirect back (`/oauth/callback`, which the signed state authenticates).
 */
export function registerOAuthRoutes(app: FastifyInstance, s: SinewServices): void {
  app.put<{ Params: { env: string; id: string }; Body: OAuthAppInput }>(
    '/:env/connectors/:id/oauth-app',
    {
      schema: {
        params: appParams,
        body: {
          type: 'object',
          required: ['client_id', 'client_secret', 'redirect_uri'],
          additionalProperties: false,
          properties: {
            client_id: { type: 'string', minLength: 1, maxLength: 1000 },
            client_secret: { type: 'string', minLength: 1, maxLength: 4000, description: '******** keeps the stored secret.' },
            redirect_uri: { ...url, description: "Sinew's /oauth/callback as registered at the provider." },
            return_urls: {
              type: 'array',
              maxItems: 50,
              items: url,
              description: 'Where a start may ask the callback to send the user (prefixes).',
            },
            authorization_url: { ...url, description: "Overrides the connector's." },
            token_url: { ...url, description: "Overrides the connector's." },
          },
        },
        response: { 200: appView },
      },
      config: {
        summary: "Set the environment's OAuth app for a connector (the client secret is sealed and never shown)",
        errors: ['OAUTH_NOT_CONFIGURED'],
      },
    },
    async (req) => s.oauthApps.put(req.params.env, req.params.id, req.body),
  );
  app.get<{ Params: { env: string; id: string } }>(
    '/:env/connectors/:id/oauth-app',
    {
      schema: { params: appParams, response: { 200: appView } },
      config: { summary: "The environment's OAuth app for a connector, secret redacted" },
    },
    async (req) => s.oauthApps.get(req.params.env, req.params.id),
  );
  app.delete<{ Params: { env: string; id: string } }>(
    '/:env/connectors/:id/oauth-app',
    { schema: { params: appParams, response: noContent }, config: { summary: "Remove the environment's OAuth app for a connector" } },
    async (req, reply) => {
      await s.oauthApps.remove(req.params.env, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: TenantPath & { connector_id: string }; Body: OAuthStartInput | undefined }>(
    '/:env/:flow/:tenant/oauth/:connector_id/start',
    {
      schema: {
        params: startParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            config: { type: 'object', description: "The link's other config fields; tokens are placed by Sinew." },
            return_url: {
              ...url,
              description:
                "Must start with one of the OAuth app's return_urls; without it the callback answers a page that posts the outcome to its opener.",
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['authorization_url', 'expires_at'],
            properties: { authorization_url: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' } },
          },
        },
      },
      config: {
        summary:
          "Start linking a connector by OAuth: the provider's authorization URL, with a single-use state valid 10 minutes and a PKCE challenge",
        errors: ['OAUTH_NOT_CONFIGURED', 'CONNECTOR_NOT_SUPPORTED'],
      },
    },
    async (req: FastifyRequest<{ Params: TenantPath & { connector_id: string }; Body: OAuthStartInput | undefined }>) => {
      const p = req.params;
      return s.oauth.start(p.env, p.flow, p.tenant, p.connector_id, req.principal?.kind === 'tenant' ? 'tenant' : 'owner', req.body ?? {});
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/oauth/callback',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: true,
          properties: {
            state: { type: 'string', maxLength: 4000 },
            code: { type: 'string', maxLength: 4000 },
            error: { type: 'string', maxLength: 200 },
          },
        },
        response: {
          200: {
            description: 'Linked: the outcome as JSON, or for a browser (Accept: text/html) a page that posts it to its opener',
            content: { 'application/json': { schema: outcomeView }, 'text/html': { schema: { type: 'string' } } },
          },
          303: { type: 'null', description: "To the start's return URL, with `sinew_oauth=<outcome>` and `connector_id`" },
        },
      },
      config: {
        summary:
          "The provider's redirect after consent: exchanges the code and links; redirects to the return URL, or answers a browser a page for the pop-up's opener (any other client the outcome as JSON)",
      },
    },
    async (req, reply) => {
      const outcome = await s.oauth.callback(req.query);
      void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (outcome.return_url) return reply.redirect(returnLocation(outcome, outcome.return_url), 303);
      // A browser (the provider's redirect, the widget's pop-up) gets a page; any other client
      // the API's own answer: the outcome, or a catalogue error naming it.
      if (!String(req.headers.accept ?? '').includes('text/html')) {
        if (outcome.ok) return outcomeMessage(outcome);
        throw new SinewError('VALIDATION_FAILED', outcome.message, { outcome: outcome.code, connector_id: outcome.connector_id ?? null });
      }
      const page = callbackPage(outcome);
      return reply
        .status(outcome.ok ? 200 : 400)
        .header('content-security-policy', page.csp)
        .type('text/html; charset=utf-8')
        .send(page.html);
    },
  );
}
