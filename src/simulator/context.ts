import type { Logger } from 'pino';
import { Agent } from 'undici';
import { createIdFactory, type IdFactory } from './ids.ts';
import type { ResolvedOptions } from './options.ts';
import { createRandomStreams, type Random } from './random.ts';
import { SimulatorState } from './state.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';
import { Scheduler } from './webhooks/scheduler.ts';

/** Everything the simulator's routes and actions need, built once per simulator. */
export interface SimContext {
  options: ResolvedOptions;
  state: SimulatorState;
  ids: IdFactory;
  scheduler: Scheduler;
  dispatcher: WebhookDispatcher;
  agent: Agent;
  log?: Logger;
  /** Per-message dice of status timing and customers' answers (seeded). */
  statusDice: Random;
  /** The seed customers' traits are drawn from (customers/customer-behaviour.ts). */
  customerSeed: number;
  /** Epoch milliseconds from the injected clock. */
  now(): number;
}

/** Wires state, seeded ids, the scheduler and the webhook dispatcher together. */
export function createContext(options: ResolvedOptions, log?: Logger): SimContext {
  const streams = createRandomStreams(options.seed);
  const state = new SimulatorState();
  const scheduler = new Scheduler();
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: 16 });
  const dispatcher = new WebhookDispatcher({ options, state, faults: streams.faults, scheduler, agent, ...(log ? { log } : {}) });
  return {
    options,
    state,
    ids: createIdFactory(streams),
    scheduler,
    dispatcher,
    agent,
    ...(log ? { log } : {}),
    statusDice: streams.statuses,
    customerSeed: streams.base,
    now: () => options.clock.now(),
  };
}

/** The origin clients reach the simulator at: `publicUrl`, else the request's own origin. */
export function originOf(ctx: SimContext, request: { protocol: string; host: string }): string {
  return ctx.options.publicUrl ?? `${request.protocol}://${request.host}`;
}
