import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { SinewError } from '../errors/sinew-error.js';
import { parseJson, stringifyJson } from '../singer/lossless-json.js';
import { auditHook } from './audit-hook.js';
import { authHook, ownerOnlyFieldsHook } from './auth-hook.js';
import { errorHandler } from './error-handler.js';
import { clientErrorHandler, frameworkErrors } from './framework-errors.js';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './json-depth.js';
import { refuseNulBytes } from './nul-bytes.js';
import { registerOpenApi } from './openapi/openapi-plugin.js';
import { logRequest } from './request-log.js';
import { requestValidatorCompiler } from './request-validator.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerConnectRoutes } from './routes/connect-routes.js';
import { registerConnectorRoutes } from './routes/connector-routes.js';
import { registerDashboardRoutes } from './routes/dashboard-routes.js';
import { registerDocsRoutes } from './routes/docs-routes.js';
import { registerEnvironmentJobRoutes } from './routes/environment-job-routes.js';
import { registerEventRoutes } from './routes/event-routes.js';
import { registerExportRoutes } from './routes/export-routes.js';
import { registerFlowRoutes } from './routes/flow-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerJobOverviewRoutes } from './routes/job-overview-routes.js';
import { registerJobRoutes } from './routes/job-routes.js';
import { registerKeyRoutes } from './routes/key-routes.js';
import { registerLinkRoutes } from './routes/link-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerOAuthRoutes } from './routes/oauth-routes.js';
import { registerRealtimeWriteRoutes } from './routes/realtime-write-routes.js';
import { registerScheduleRoutes } from './routes/schedule-routes.js';
import { registerSettingsRoutes } from './routes/settings-routes.js';
import { registerSnapshotRoutes } from './routes/snapshot-routes.js';
import { registerTenantRoutes } from './routes/tenant-routes.js';
import { registerWidgetRoutes } from './routes/widget-routes.js';
import type { SinewServices } from './sinew-services.js';
import { tenantLimitsHook } from './tenant-limits-hook.js';
import type { WebFiles } from './web-bundles.js';
import { allowedOriginsFrom, widgetCorsHooks } from './widget-cors.js';

export const SINEW_VERSION = '0.1.0';

/** The HTTP API (blueprint §2) over the services. */
export async function buildServer(services: SinewServices, opts: { bodyLimit?: number; web?: WebFiles } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 64 * 1024 * 1024,
    // Ids may be 200 characters (tenant ids, stream names): the router's default of 100 answered a
    // valid long id with its own 414, before validation could say what is wrong with a bad one.
    // (A router option: given at the top level it still works, but prints a deprecation warning
    // on every start, on the newcomer's first screen.)
    routerOptions: { maxParamLength: 1000 },
    // Fastify's own pair of lines per request would log the raw URL (a tenant token may be in the
    // query string): request-log.ts writes one line per request with chosen fields instead.
    logController: new LogController({ disableRequestLogging: true }),
    // What fails before a route is chosen answers in the catalogue's shape too (framework-errors.ts).
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(requestValidatorCompiler());
  // Replies are written by the lossless JSON writer below, never by a serializer compiled from a
  // response schema: those schemas document the answers (/openapi.json) and must not drop a field
  // or turn an exact big number into a float. Compiling none also keeps start-up quick.
  app.setSerializerCompiler(() => (data) => stringifyJson(data));
  await registerOpenApi(app, SINEW_VERSION);

  // The API speaks JSON only: any other body type is a 415, not a string that fails validation later.
  // Numbers in request bodies (write-job records, state) keep their exact text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    if (nestsDeeperThan(text, MAX_BODY_DEPTH))
      return done(new SinewError('VALIDATION_FAILED', `the body nests deeper than ${MAX_BODY_DEPTH} levels`), undefined);
    try {
      done(null, parseJson(text));
    } catch (e) {
      done(new SinewError('VALIDATION_FAILED', `the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  app.setReplySerializer((payload) => stringifyJson(payload));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new SinewError('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`).toBody());
  });
  // CORS for the widget on the owner's pages: preflights are answered before authentication.
  const cors = widgetCorsHooks(allowedOriginsFrom(async (envId) => (await services.store.environments.get(envId))?.settings));
  app.addHook('onRequest', cors.onRequest);
  app.addHook('onSend', cors.onSend);
  // Authenticate before the body is validated: a stranger learns nothing from validation errors.
  app.addHook('onRequest', authHook(services.auth));
  // Before any hook that looks an id up in the store (the next one reads the flow).
  app.addHook('preValidation', refuseNulBytes);
  app.addHook(
    'preValidation',
    ownerOnlyFieldsHook(async (envId, flowId) => (await services.store.flows.get(envId, flowId))?.tenant_overrides ?? []),
  );
  app.addHook(
    'preHandler',
    tenantLimitsHook(async (envId, flowId) => (await services.store.flows.get(envId, flowId))?.tenant_limits),
  );
  app.addHook('onSend', auditHook(services.audit));
  app.addHook('onResponse', logRequest);

  registerHealthRoutes(app, services);
  registerJobRoutes(app, services);
  registerEnvironmentJobRoutes(app, services);
  registerJobOverviewRoutes(app, services);
  registerExportRoutes(app, services);
  registerLinkRoutes(app, services);
  registerFlowRoutes(app, services);
  registerConnectorRoutes(app, services);
  registerTenantRoutes(app, services);
  registerSnapshotRoutes(app, services);
  registerSettingsRoutes(app, services);
  registerKeyRoutes(app, services);
  registerEventRoutes(app, services);
  registerAuditRoutes(app, services);
  registerOAuthRoutes(app, services);
  registerScheduleRoutes(app, services);
  registerRealtimeWriteRoutes(app, services);
  registerMetricsRoutes(app, services.metrics);
  registerWidgetRoutes(app, services, opts.web);
  registerConnectRoutes(app, services);
  registerDocsRoutes(app);
  registerDashboardRoutes(app, opts.web);
  app.get(
    '/openapi.json',
    {
      schema: { response: { 200: { type: 'object', additionalProperties: true, description: 'An OpenAPI 3.1 document' } } },
      config: { summary: 'This document (OpenAPI 3.1)' },
    },
    async () => app.swagger(),
  );
  return app;
}
