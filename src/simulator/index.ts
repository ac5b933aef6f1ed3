import { setIdentity, type SimIdentity } from './identities.ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { closeConnectionsOnDrain } from '../http/close-connections-on-drain.ts';
import { installErrorHandler } from '../http/error-handler.ts';
import { createContext, type SimContext } from './context.ts';
import { applyStartState, registerNumber, type RecipientInput, resetSimulator, setRecipient } from './control-actions.ts';
import { type InboundInput, injectInbound } from './inbound/inject-inbound.ts';
import { type NumberInput, resolveOptions, type SimulatorOptions } from './options.ts';
import { hangUp, type InboundCallInput, injectInboundCall } from './calls/call-service.ts';
import { callRoutes } from './routes/call-routes.ts';
import { controlRoutes } from './routes/control-routes.ts';
import { flowRoutes } from './routes/flow-routes.ts';
import { installVersionCheck } from './routes/graph-auth.ts';
import { mediaRoutes } from './routes/media-routes.ts';
import { messagesRoute } from './routes/messages-route.ts';
import { objectRoutes } from './routes/object-routes.ts';
import { profileRoutes } from './routes/profile-routes.ts';
import { registrationRoutes } from './routes/registration-routes.ts';
import { templateRoutes } from './routes/template-routes.ts';
import type { RecipientBehaviour, SimNumber, SimulatorState } from './state.ts';

export type { FaultOptions, NumberInput, RealisticStatuses, SimulatorOptions, StatusDelays } from './options.ts';
export type { InboundInput } from './inbound/inject-inbound.ts';
export type { InboundCallInput } from './calls/call-service.ts';
export type { RecipientInput } from './control-actions.ts';
export type { SimIdentity } from './identities.ts';
export type { DeliveryRecord, RecipientBehaviour, SimCall, SimFlow, SimMedia, SimMessage, SimNumber, SimTemplate, SimulatorState } from './state.ts';

/** A built simulator: its Fastify app (not listening), its state, and in-process controls. */
export interface Simulator {
  app: FastifyInstance;
  state: SimulatorState;
  /** Cancels pending webhooks and closes the app and its HTTP client. */
  close(): Promise<void>;
  /** Waits until every scheduled webhook delivery (retries included) has been attempted. */
  flush(): Promise<void>;
  /** `POST /_simulator/numbers`. */
  registerNumber(input: NumberInput): SimNumber;
  /** `POST /_simulator/inbound`; media URLs use `publicUrl` when set. */
  injectInbound(input: InboundInput): { id: string };
  /** `POST /_simulator/calls`: a customer calls a business number. */
  injectCall(input: InboundCallInput): { id: string };
  /** `POST /_simulator/calls/{call_id}/hangup`: the customer ends a call. */
  hangUp(callId: string): { id: string };
  /** `POST /_simulator/recipients/{wa_id}`. */
  setRecipient(waId: string, input: RecipientInput): RecipientBehaviour;
  /** Gives the customer with this phone a BSUID and username (identities.ts), as an injection with `user_id` does. */
  setIdentity(waId: string, identity: SimIdentity): SimIdentity;
  /** `POST /_simulator/reset`. */
  reset(): void;
}

/**
 * Builds the local Meta Graph API for WhatsApp (meta-cloud-api.md §7, docs/simulator.md)
 * without listening: the caller listens (cli.ts) or injects (tests), like the gateway's
 * buildApp.
 */
export async function buildSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const ctx = createContext(resolved, options.logger || undefined);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    // Request ids double as Meta's fbtrace_id in error envelopes (§4.1), seeded like every id.
    genReqId: () => ctx.ids.fbtraceId(),
    requestIdHeader: false,
    bodyLimit: resolved.bodyLimitBytes,
    requestTimeout: 60_000,
    keepAliveTimeout: 72_000,
    routerOptions: { maxParamLength: 512 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  closeConnectionsOnDrain(app);
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url.split('?')[0], status: reply.statusCode }, 'simulator request');
  });
  app.addHook('onClose', async () => {
    ctx.dispatcher.cancel();
    await ctx.agent.close();
  });

  const flush = () => ctx.scheduler.idle();
  await app.register(async (scope) => {
    installVersionCheck(scope);
    await messagesRoute(scope, ctx);
    await mediaRoutes(scope, ctx);
    await templateRoutes(scope, ctx);
    await flowRoutes(scope, ctx);
    await objectRoutes(scope, ctx);
    await profileRoutes(scope, ctx);
    await registrationRoutes(scope, ctx);
    await callRoutes(scope, ctx);
  });
  await app.register(async (scope) => controlRoutes(scope, ctx, flush));
  applyStartState(ctx);
  return simulatorOf(app, ctx, flush);
}

function simulatorOf(app: FastifyInstance, ctx: SimContext, flush: () => Promise<void>): Simulator {
  return {
    app,
    state: ctx.state,
    close: () => app.close(),
    flush,
    registerNumber: (input) => registerNumber(ctx, input),
    injectInbound: (input) => injectInbound(ctx, input, ctx.options.publicUrl),
    injectCall: (input) => injectInboundCall(ctx, input),
    hangUp: (callId) => hangUp(ctx, callId),
    setRecipient: (waId, input) => setRecipient(ctx, waId, input),
    setIdentity: (waId, identity) => setIdentity(ctx, waId, identity),
    reset: () => resetSimulator(ctx),
  };
}
