import type { Logger } from 'pino';
import type { RecipientInput } from './control-actions.ts';
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
  /**
   * What `GET /{phone_number_id}` answers for its messaging limit (meta-cloud-api.md §5.4), e.g.
   * `TIER_250`. Default `TIER_UNLIMITED`, so a gateway holds nothing back against the sandbox.
   */
  messaging_limit_tier?: string;
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
  /** Customers scripted at start and after each reset, as by `POST /_simulator/recipients/{wa_id}`. */
  recipients?: Record<string, RecipientInput>;
  /** Share (0–1) of unscripted customers who are not on WhatsApp: every send fails with 131026. */
  notOnWhatsAppShare?: number;
  /** Share (0–1) of unscripted customers who refuse MARKETING templates from every number (131050). */
  marketingOptOutShare?: number;
  /** Share (0–1) of unscripted customers who answer each template they get with a text. */
  answerShare?: number;
  /** How long after reading (or delivery) such a customer answers: [min, max] ms. Default [2000, 8000]. */
  answerDelayMs?: [number, number];
  /** Meta-like status timing with seeded jitter, instead of the fixed `statusDelaysMs`. */
  realisticStatuses?: boolean | Partial<RealisticStatuses>;
}

/** Status timing drawn per message (meta-cloud-api.md §7.14), each range [min, max] ms after the send. */
export interface RealisticStatuses {
  sentMs: [number, number];
  deliveredMs: [number, number];
  readMs: [number, number];
  /** Share (0–1) of delivered messages the customer reads. */
  readShare: number;
}

/** `realisticStatuses: true`: sent after 0.1–0.5 s, delivered after 1–3 s, 70 % read after 4–30 s. */
export const realisticStatusDefaults: RealisticStatuses = { sentMs: [100, 500], deliveredMs: [1000, 3000], readMs: [4000, 30_000], readShare: 0.7 };

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
export type ResolvedOptions = Required<Omit<SimulatorOptions, 'webhookUrl' | 'publicUrl' | 'seed' | 'logger' | 'autoReply' | 'pairRateLimit' | 'statusDelaysMs' | 'faults' | 'retry' | 'templateReview' | 'realisticStatuses'>> & {
  webhookUrl?: string;
  publicUrl?: string;
  seed?: number;
  autoReply?: SimulatorOptions['autoReply'];
  statusDelaysMs: StatusDelays;
  pairRateLimit: false | { perMinute: number; burst: number };
  faults: Required<FaultOptions>;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  templateReview: { delayMs: number; outcome: 'APPROVED' | 'REJECTED' };
  realisticStatuses: RealisticStatuses | false;
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
    recipients: options.recipients ?? {},
    notOnWhatsAppShare: share('notOnWhatsAppShare', options.notOnWhatsAppShare),
    marketingOptOutShare: share('marketingOptOutShare', options.marketingOptOutShare),
    answerShare: share('answerShare', options.answerShare),
    answerDelayMs: range('answerDelayMs', options.answerDelayMs ?? [2000, 8000]),
    realisticStatuses: resolveRealistic(options.realisticStatuses),
  };
}

function share(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be between 0 and 1, got ${value}`);
  return value;
}

function range(name: string, value: [number, number]): [number, number] {
  const [min, max] = value;
  if (!(min >= 0 && max >= min)) throw new Error(`${name} must be [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  return [min, max];
}

function resolveRealistic(value: SimulatorOptions['realisticStatuses']): RealisticStatuses | false {
  if (!value) return false;
  const given = value === true ? {} : value;
  return {
    sentMs: range('realisticStatuses.sentMs', given.sentMs ?? realisticStatusDefaults.sentMs),
    deliveredMs: range('realisticStatuses.deliveredMs', given.deliveredMs ?? realisticStatusDefaults.deliveredMs),
    readMs: range('realisticStatuses.readMs', given.readMs ?? realisticStatusDefaults.readMs),
    readShare: share('realisticStatuses.readShare', given.readShare ?? realisticStatusDefaults.readShare),
  };
}
