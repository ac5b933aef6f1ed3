import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Deps } from './deps.ts';
import { serializerCompiler, validatorCompiler } from './http/documented-only.ts';
import { closeConnectionsOnDrain } from './http/close-connections-on-drain.ts';
import { installErrorHandler, renderFrameworkError } from './http/error-handler.ts';
import { installBoundedJsonParser } from './http/json-body.ts';
import { installGraphScope } from './http/graph-scope.ts';
import { loggableUrl, serializeRequest } from './http/log-url.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './http/request-id.ts';
import { healthRoutes } from './http/health.ts';
import { registerApiDocs } from './http/openapi.ts';
import { inboxStaticRoutes } from './inbox/static-routes.ts';
import { GroupCommitter } from './ingest/group-commit.ts';
import { ingestWebhooks, type IngestCommitter } from './ingest/ingest.ts';
import { ingestRoutes } from './ingest/routes.ts';
import { inboxRoutes } from './inbox/routes.ts';
import { mediaRoutes } from './media/routes.ts';
import { deliveryLogRoutes } from './outbox/log-routes.ts';
import { messageRoutes } from './messages/routes.ts';
import { callRoutes } from './calls/routes.ts';
import { contactRoutes } from './contacts/routes.ts';
import { conversationRoutes } from './conversations/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { broadcastRoutes } from './broadcasts/routes.ts';
import { flowRoutes } from './flows/routes.ts';
import { passThroughRoutes } from './proxy/pass-through-routes.ts';
import { proxyRoutes } from './proxy/routes.ts';
import { TenantLookup } from './tenants/lookup.ts';
import { packageVersion } from './version.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { installHttpMetrics } from './metrics/http-metrics.ts';
import { metricsRoutes, metricsServedOnApiPort } from './metrics/routes.ts';

/**
 * Builds the gateway's HTTP app without listening (cli/serve.ts listens; tests use inject).
 * Every domain registers its routes here and nowhere else.
 */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({
    // Request URLs are logged without the credentials some carry in their query (http/log-url.ts).
    loggerInstance: deps.log.child({}, { serializers: { req: serializeRequest } }) as FastifyBaseLogger,
    // One log line per request (onResponse below): the second default line costs throughput.
    logController: new LogController({ disableRequestLogging: true }),
    // The client's X-Request-Id when acceptable, else a UUID (http/request-id.ts); Fastify's own
    // header option would take any value unchecked. Every log line of the request carries it as
    // `reqId`, every answer as X-Request-Id, every error envelope as `fbtrace_id`.
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: deps.config.http.bodyLimitBytes,
    // Behind a reverse proxy, request.ip is the client's only when the operator says whose
    // X-Forwarded-For to believe; believing anyone's would let a client pick its own address.
    trustProxy: deps.config.http.trustProxy,
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    connectionTimeout: 30_000,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 512 },
    frameworkErrors: renderFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installBoundedJsonParser(app);
  closeConnectionsOnDrain(app);
  // The first hook of every route, so answers from later hooks (auth) and handlers (a 429) carry
  // it too; a callback hook, not an async one: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.decorateRequest('logDetail', null);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: loggableUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, ...request.logDetail },
      'request',
    );
  });
  if (deps.metrics.exposed) installHttpMetrics(app, deps.metrics);

  const tenants = new TenantLookup(deps);
  const committer: IngestCommitter = new GroupCommitter(deps.database.db, ingestWebhooks, {
    maxBatch: 256,
    // About 10 ms of SQLite work (measured): larger batches only lengthen every request's wait.
    maxWeight: 500,
    maxConcurrentBatches: deps.database.capabilities.concurrentCommitBatches,
    onCommit: (payloads) => deps.metrics.ingestBatchSize.observe(payloads),
  });

  // Before every route: the document is made of the routes registered after it.
  if (deps.config.http.apiDocs) await registerApiDocs(app, { publicUrl: deps.config.http.publicUrl, version: packageVersion() });
  await app.register(async (scope) => healthRoutes(scope, deps));
  // With neither METRICS_TOKEN nor METRICS_PORT, /metrics is not served: the 404 of any unknown path.
  if (metricsServedOnApiPort(deps.config)) await app.register(async (scope) => metricsRoutes(scope, deps));
  await app.register(async (scope) => ingestRoutes(scope, { ...deps, committer }));
  await app.register(async (scope) => mediaRoutes(scope, deps));
  const graphApi = async (scope: FastifyInstance) => {
    installGraphScope(scope, tenants);
    await messageRoutes(scope, { ...deps, tenants });
    await conversationRoutes(scope, { ...deps, tenants });
    await contactRoutes(scope, { ...deps, tenants });
    await callRoutes(scope, { ...deps, tenants });
    await proxyRoutes(scope, { ...deps, tenants });
    await passThroughRoutes(scope, { ...deps, tenants });
    await scope.register(async (flows) => flowRoutes(flows, { ...deps, tenants }));
  };
  await app.register(graphApi);
  // Kapso's base URL shape (kapso-api.md §1.1), so a Kapso base URL works with the host changed.
  await app.register(graphApi, { prefix: '/meta/whatsapp' });
  // Platform API (kapso-api.md §6.9): not under /{version}, so its own authenticated scope.
  await app.register(async (scope) => platformRoutes(scope, { ...deps, tenants }));
  await app.register(async (scope) => broadcastRoutes(scope, { ...deps, tenants }));
  await app.register(async (scope) => webhookRoutes(scope, { ...deps, tenants }));
  await app.register(async (scope) => deliveryLogRoutes(scope, { ...deps, tenants }));
  // The team inbox's browser API, authenticated by a session cookie, never an API key.
  await app.register(async (scope) => inboxRoutes(scope, deps));
  // The team inbox's web app at `/` (web/, built by `npm run build`).
  await app.register(async (scope) => inboxStaticRoutes(scope, { publicUrl: deps.config.http.publicUrl }));
  return app;
}
