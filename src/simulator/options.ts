import type { Logger } from 'pino';
import type { InboundMessageInput } from './inbound/inbound-message.ts';
import type { SimMessage } from './state.ts';

/** A business number to register (control API `POST /_simulator/numbers`). */
export interface NumberInput {
  phone_number_id: string;
  display_phone_number: string;
  waba_id: string;
  access_token: string;
  app_secret: string;
  webhook_url?: string;
  verified_name?: string;
}

/** How `buildSimulator` behaves; every field has a default (docs/simulator.md). */
export interface SimulatorOptions {
  /** Default webhook target; a number's own `webhook_url` wins. */
  webhookUrl?: string;
  logger?: Logger | false;
  /** Seeds wamids, media/template ids, fbtrace ids and fault dice: same seed, same sequence. */
  seed?: number;
  /** Epoch milliseconds for timestamps, windows, rate limits and URL expiry. */
  clock?: { now(): number };
  /** Origin used in media URLs and paging links; default: the origin of the request. */
  publicUrl?: string;
  /** Numbers registered at start (and again after a reset). */
  numbers?: NumberInput[];
  /** Milliseconds after the send at which `sent`, `delivered` and `read` are emitted. */
  statusDelaysMs?: Partial<StatusDelays>;
  /** Emit only `read` when it falls at the same moment as `delivered` (§1.7). Default false. */
  collapseDeliveredIntoRead?: boolean;
  /** Per-number throughput (§5.1). Default 80. */
  maxMessagesPerSecond?: number;
  /** HTTP status of 130429 and 131056; Meta uses 400 (§4.2). */
  rateLimitHttpStatus?: 400 | 429;
  /** Pair rate (§5.2): default 10 per minute with a burst of 45; false disables it. */
  pairRateLimit?: false | { perMinute?: number; burst?: number };
  /**
   * Share (0–1) of simulated customers who adopted a username and so have a BSUID (§1.5), drawn
   * per customer from the phone and the seed. Default 0: every customer is known by phone.
   */
  bsuidShare?: number;
  /** Share (0–1) of those customers whose phone the business no longer sees (empty `wa_id`). Default 0. */
  hiddenPhoneShare?: number;
  /** The 24-hour customer service window (§5.5). Default true. */
  enforceWindow?: boolean;
  /** Free-form outside the window: a `failed` status (default, §7.8) or a synchronous 400. */
  windowFailure?: 'status' | 'response';
  /** Lifetime of media download URLs (§3). Default 5 minutes. */
  mediaUrlTtlMs?: number;
  /** Most updates in one webhook POST (§1.3: Meta ≤ 1000). Default 100. */
  batchMaxItems?: number;
  /** How long updates wait to share a POST; 0 (default) sends each on its own. */
  batchWindowMs?: number;
  faults?: FaultOptions;
  /** Webhook retries when the target does not answer 200 (§1.3). */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  webhookTimeoutMs?: number;
  /** POSTs in flight at once; 1 (default) keeps the order exact. */
  deliveryConcurrency?: number;
  /** Template review after create/edit (§7.18). Default: APPROVED after 0 ms. */
  templateReview?: { delayMs?: number; outcome?: 'APPROVED' | 'REJECTED' };
  bodyLimitBytes?: number;
  /**
   * A simulated customer's answer to each accepted outbound message (a bot test partner, the
   * sandbox's echo): return an inbound `message` to have the customer send it once the message
   * has been read (or delivered, for customers who never read), or null for no answer.
   */
  autoReply?: (message: SimMessage) => InboundMessageInput | null | undefined;
}

export interface StatusDelays {
  sent: number;
  delivered: number;
  read: number;
}

/** Delivery faults for receivers' tests (§7.16), drawn from the seeded stream. */
export interface FaultOptions {
  /** Probability that a payload is POSTed a second time (also after a 200). */
  duplicateRate?: number;
  /** Send the statuses of each message in a random (seeded) order, e.g. `read` first. */
  shuffle?: boolean;
  /** A random extra delay in [0, extraDelayMs] before each update. */
  extraDelayMs?: number;
  /** Sign correctly (default), with a wrong secret, or not at all (§7.13). */
  signature?: 'valid' | 'invalid' | 'missing';
}

/** Options with every default applied. */
export type ResolvedOptions = Required<Omit<SimulatorOptions, 'webhookUrl' | 'publicUrl' | 'seed' | 'logger' | 'autoReply' | 'pairRateLimit' | 'statusDelaysMs' | 'faults' | 'retry' | 'templateReview'>> & {
  webhookUrl?: string;
  publicUrl?: string;
  seed?: number;
  autoReply?: SimulatorOptions['autoReply'];
  statusDelaysMs: StatusDelays;
  pairRateLimit: false | { perMinute: number; burst: number };
  faults: Required<FaultOptions>;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  templateReview: { delayMs: number; outcome: 'APPROVED' | 'REJECTED' };
};

/** Applies the defaults of docs/simulator.md. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const pair = options.pairRateLimit;
  return {
    ...(options.webhookUrl !== undefined ? { webhookUrl: options.webhookUrl } : {}),
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl.replace(/\/+$/, '') } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.autoReply ? { autoReply: options.autoReply } : {}),
    clock: options.clock ?? { now: () => Date.now() },
    numbers: options.numbers ?? [],
    statusDelaysMs: { sent: 50, delivered: 150, read: 300, ...options.statusDelaysMs },
    collapseDeliveredIntoRead: options.collapseDeliveredIntoRead ?? false,
    maxMessagesPerSecond: options.maxMessagesPerSecond ?? 80,
    rateLimitHttpStatus: options.rateLimitHttpStatus ?? 400,
    pairRateLimit: pair === false ? false : { perMinute: pair?.perMinute ?? 10, burst: pair?.burst ?? 45 },
    enforceWindow: options.enforceWindow ?? true,
    bsuidShare: Math.min(1, Math.max(0, options.bsuidShare ?? 0)),
    hiddenPhoneShare: Math.min(1, Math.max(0, options.hiddenPhoneShare ?? 0)),
    windowFailure: options.windowFailure ?? 'status',
    mediaUrlTtlMs: options.mediaUrlTtlMs ?? 5 * 60_000,
    batchMaxItems: Math.min(1000, Math.max(1, options.batchMaxItems ?? 100)),
    batchWindowMs: options.batchWindowMs ?? 0,
    faults: { duplicateRate: 0, shuffle: false, extraDelayMs: 0, signature: 'valid', ...options.faults },
    retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, ...options.retry },
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5000,
    deliveryConcurrency: Math.max(1, options.deliveryConcurrency ?? 1),
    templateReview: { delayMs: 0, outcome: 'APPROVED', ...options.templateReview },
    bodyLimitBytes: options.bodyLimitBytes ?? 110 * 1024 * 1024,
  };
}
