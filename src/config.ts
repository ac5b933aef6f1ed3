import { z } from 'zod';

/**
 * Typed, validated configuration. This is the only module that reads `process.env`; everything
 * else receives a `Config` (tests build one with `loadConfig({...})`).
 */
const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const DEFAULT_DATABASE_URL = 'sqlite:./data/switchboard.db';

/**
 * SEND_DEFAULT_MESSAGING_LIMIT's values: Meta's tiers by name or count (the same words
 * `numbers update --messaging-limit` takes, tenants/messaging-limit.ts), as recipients per 24 h.
 */
const MESSAGING_LIMITS: Readonly<Record<string, number>> = {
  unlimited: Infinity, tier_unlimited: Infinity,
  tier_50: 50, '50': 50, tier_250: 250, '250': 250, tier_1k: 1000, '1000': 1000,
  tier_2k: 2000, '2000': 2000, tier_10k: 10_000, '10000': 10_000, tier_100k: 100_000, '100000': 100_000,
};

const envSchema = z.object({
  // A string of digits: `PORT=` (empty) coerced to 0 and started on a random port.
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port number from 0 to 65535'))
    .default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://')
    .default(DEFAULT_DATABASE_URL),
  META_GRAPH_URL: z.url().default('https://graph.facebook.com'),
  /** How long a Graph call may take before the client gets 504. */
  META_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  /** How long a full-text search may run on PostgreSQL before it is stopped and answered 503 (docs/api.md "Search"). */
  SEARCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(10_000),
  SWITCHBOARD_SECRET: z.string().optional(),
  /** Unset: `info` for serving processes, `warn` for one-shot commands (whose stdout is their output). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  WEBHOOK_ALLOW_PRIVATE_URLS: booleanString.default(false),
  /** A delivery attempt that has not been answered in this time failed (Kapso: 10 s, §8.5). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Retries after the first attempt, in seconds; beyond the list, exponential backoff with jitter (§8.5). */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated seconds, e.g. 10,40,90')
    .default('10,40,90'),
  /** A delivery still failing this long after its event is marked failed. */
  WEBHOOK_DEADLINE_HOURS: z.coerce.number().positive().default(24),
  /** A subscription whose deliveries have failed without a success for this long is paused. */
  WEBHOOK_PAUSE_AFTER_HOURS: z.coerce.number().positive().default(6),
  /**
   * Whether `serve` runs the delivery and media workers itself: `auto` (the default) and `true` do,
   * on both dialects; `false` makes an API-only process (then `switchboard worker` processes must run).
   */
  EMBEDDED_WORKER: z.enum(['auto', 'true', 'false']).default('auto'),
  PUBLIC_URL: z.url().optional(),
  /**
   * Which peers' X-Forwarded-For is believed when reading a client's address (the inbox's sign-in
   * limit per address, request logs): `false` (none, the default), `true` (any: only behind a proxy
   * that overwrites the header), a number of proxy hops, or a comma-separated list of addresses and
   * CIDR ranges of the proxies.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/, 'true, false, a number of proxy hops, or comma-separated proxy addresses or CIDR ranges')
    .default('false'),
  /** Where media files are kept: `file:<folder>` (default `file:<data folder>/media`) or `s3://bucket/prefix`. */
  MEDIA_STORE: z
    .string()
    .regex(/^(file:.+|s3:\/\/[^/]+(\/.*)?)$/, 'must be file:<folder> or s3://bucket[/prefix]')
    .optional(),
  /** An S3-compatible endpoint (MinIO, R2…); path-style addressing is used when set. */
  MEDIA_S3_ENDPOINT: z.url().optional(),
  /** How long a signed `/media/{id}` URL works. */
  MEDIA_URL_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** Media downloads one worker process runs at once. */
  MEDIA_DOWNLOAD_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Downloads of one project in flight at once across all workers (default: half the concurrency, rounded up). */
  MEDIA_DOWNLOADS_PER_PROJECT: z.coerce.number().int().min(1).max(64).optional(),
  /** The slowest transfer a download may be: its deadline is META_TIMEOUT_MS + its size limit at this rate (docs/media.md). */
  MEDIA_MIN_BYTES_PER_SECOND: z.coerce.number().int().positive().default(100 * 1024),
  /** A fixed deadline for every download instead of the derived one. */
  MEDIA_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  /** Largest webhook body accepted; Meta documents 3 MB per POST (meta-cloud-api.md §1.3). */
  INGEST_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(3 * 1024 * 1024),
  /** Inactivity after which the next message opens a new conversation (kapso-api.md §7.4). */
  CONVERSATION_INACTIVITY_HOURS: z.coerce.number().positive().default(24),
  /** On the embedded default, create and run the sandbox (number + simulated Meta) when no real number exists. */
  SANDBOX: booleanString.default(true),
  /** How long a send's Idempotency-Key is remembered (and then purged); Meta and Stripe keep them 24 h. */
  IDEMPOTENCY_KEY_RETENTION_HOURS: z.coerce.number().positive().default(24),
  /** Messages older than this many days are pruned once an hour by `serve` (docs/operations.md); unset: kept forever. */
  RETENTION_DAYS: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number of days, 1 or more (unset it to keep messages forever)')
    .transform(Number)
    .pipe(z.number().min(1, 'must be a whole number of days, 1 or more (unset it to keep messages forever)'))
    .optional(),
  /** A number's send rate unless set on the number (messages/s; Meta's default level is 80, the highest 1,000). */
  SEND_DEFAULT_MPS: z.coerce.number().int().min(1).max(1000).default(80),
  /** How long an API send may wait for its number's (or customer's) room before it is answered 429. */
  SEND_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  BROADCAST_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  BROADCAST_OUTCOME_WAIT_MS: z.coerce.number().int().min(1000).max(7 * 86_400_000).default(600_000),
  BROADCAST_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** Meta's pair rate: sends one number may burst to one customer, and how many a minute refill (0: not paced). */
  SEND_PAIR_BURST: z.coerce.number().int().min(1).max(1000).default(45),
  SEND_PAIR_PER_MINUTE: z.coerce.number().min(0).max(6000).default(10),
  /**
   * Unique customers a number may reach outside a customer-service window per 24 h while its
   * Meta tier is unknown. Unlimited by default: an unread tier (the sandbox, a test number, Meta
   * unreachable when it was added) must not hold a broadcast back; Meta enforces its own limit.
   */
  SEND_DEFAULT_MESSAGING_LIMIT: z
    .string()
    .transform((v) => MESSAGING_LIMITS[v.trim().toLowerCase()])
    .pipe(z.custom<number>((v) => typeof v === 'number', 'must be a tier such as TIER_250 or TIER_2K, a count (250, 2000, 10000, 100000) or unlimited'))
    .default(Infinity),
  /** A bearer token that /metrics requires; on its own, /metrics is served on the API port (docs/metrics.md). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (it guards /metrics)').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  /** A port of its own for /metrics (on METRICS_HOST); then the API port does not serve it. */
  METRICS_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port number from 0 to 65535'))
    .optional(),
  /** Where the METRICS_PORT listener binds: loopback unless said otherwise. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** `/openapi.json` and the `/docs` reference page, served without a key; `off` removes both. */
  API_DOCS: z.enum(['on', 'off']).default('on'),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly publicUrl: string;
    readonly bodyLimitBytes: number;
    readonly ingestBodyLimitBytes: number;
    /** Whether `/openapi.json` and `/docs` are served. */
    readonly apiDocs: boolean;
    /** Fastify's `trustProxy`: whose X-Forwarded-For names the client (TRUST_PROXY). */
    readonly trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
    /** How long a full-text search's statements may run on PostgreSQL (SEARCH_TIMEOUT_MS). */
    readonly searchTimeoutMs: number;
  };
  readonly db: { readonly url: string; readonly dataDir: string };
  readonly meta: { readonly graphUrl: string; readonly timeoutMs: number };
  readonly secret: string | undefined;
  readonly log: {
    /** `serve` and `worker`. */
    readonly level: string;
    /** One-shot commands (`projects`, `keys`, `migrate`…): LOG_LEVEL when set, else only warnings. */
    readonly commandLevel: string;
  };
  readonly webhooks: {
    readonly allowPrivateUrls: boolean;
    readonly timeoutMs: number;
    readonly retryScheduleMs: readonly number[];
    readonly deadlineMs: number;
    readonly pauseAfterMs: number;
    readonly embeddedWorker: 'auto' | 'true' | 'false';
  };
  readonly conversations: { readonly inactivityMs: number };
  readonly media: {
    readonly store: string;
    readonly s3Endpoint: string | undefined;
    readonly urlTtlSeconds: number;
    readonly downloadConcurrency: number;
    readonly downloadsPerProject: number;
    readonly minBytesPerSecond: number;
    readonly downloadTimeoutMs: number | undefined;
  };
  readonly sandbox: boolean;
  readonly idempotency: { readonly retentionMs: number };
  /** RETENTION_DAYS: messages older than this are pruned once an hour; null: kept forever. */
  readonly retention: { readonly days: number | null };
  readonly sending: {
    readonly defaultPerSecond: number;
    readonly maxWaitMs: number;
    /** null: the pair rate is not paced. */
    readonly pair: { readonly burst: number; readonly perMinute: number } | null;
    /** Recipients per 24 h of a number whose tier is unknown (Infinity: unlimited). */
    readonly defaultMessagingLimit: number;
  };
  readonly broadcasts: {
    /** Sends to Meta a broadcast worker has in flight at once. */
    readonly concurrency: number;
    /**
     * How long a send whose answer was lost waits for a status webhook naming it before it is
     * taken as never accepted and sent again (docs/broadcasts.md, "Never twice").
     */
    readonly outcomeWaitMs: number;
    /**
     * How long a worker's claim holds a recipient (renewed while its send runs): a killed
     * worker's recipients are taken for lost sends once it runs out.
     */
    readonly leaseMs: number;
  };
  /** /metrics: off unless a token or a port of its own is set (docs/metrics.md). */
  readonly metrics: {
    readonly token: string | undefined;
    /** undefined: served on the API port (with the token), if at all. */
    readonly port: number | undefined;
    readonly host: string;
  };
}

export class ConfigError extends Error {}

/** Parses an environment (default: `process.env`) into a frozen Config, naming any bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env, { error: expectedValue });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeEnvIssue(issue, env));
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    throw new ConfigError(`invalid environment: METRICS_PORT: must differ from PORT (${e.PORT}); unset it to serve /metrics on the API port with METRICS_TOKEN`);
  }
  const publicHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  return deepFreeze({
    http: {
      port: e.PORT,
      host: e.HOST,
      publicUrl: (e.PUBLIC_URL ?? `http://${publicHost}:${e.PORT}`).replace(/\/+$/, ''),
      bodyLimitBytes: 1024 * 1024,
      ingestBodyLimitBytes: e.INGEST_BODY_LIMIT_BYTES,
      apiDocs: e.API_DOCS === 'on',
      trustProxy: trustProxyOf(e.TRUST_PROXY),
      searchTimeoutMs: e.SEARCH_TIMEOUT_MS,
    },
    db: { url: e.DATABASE_URL, dataDir: dataDirOf(e.DATABASE_URL) },
    meta: { graphUrl: e.META_GRAPH_URL.replace(/\/+$/, ''), timeoutMs: e.META_TIMEOUT_MS },
    secret: e.SWITCHBOARD_SECRET,
    log: { level: e.LOG_LEVEL ?? 'info', commandLevel: e.LOG_LEVEL ?? 'warn' },
    webhooks: {
      allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s) * 1000),
      deadlineMs: e.WEBHOOK_DEADLINE_HOURS * 3_600_000,
      pauseAfterMs: e.WEBHOOK_PAUSE_AFTER_HOURS * 3_600_000,
      embeddedWorker: e.EMBEDDED_WORKER,
    },
    conversations: { inactivityMs: e.CONVERSATION_INACTIVITY_HOURS * 3_600_000 },
    media: {
      store: e.MEDIA_STORE ?? `file:${dataDirOf(e.DATABASE_URL)}/media`,
      s3Endpoint: e.MEDIA_S3_ENDPOINT,
      urlTtlSeconds: e.MEDIA_URL_TTL_SECONDS,
      downloadConcurrency: e.MEDIA_DOWNLOAD_CONCURRENCY,
      downloadsPerProject: e.MEDIA_DOWNLOADS_PER_PROJECT ?? Math.ceil(e.MEDIA_DOWNLOAD_CONCURRENCY / 2),
      minBytesPerSecond: e.MEDIA_MIN_BYTES_PER_SECOND,
      downloadTimeoutMs: e.MEDIA_DOWNLOAD_TIMEOUT_MS,
    },
    sandbox: e.SANDBOX,
    idempotency: { retentionMs: e.IDEMPOTENCY_KEY_RETENTION_HOURS * 3_600_000 },
    retention: { days: e.RETENTION_DAYS ?? null },
    sending: {
      defaultPerSecond: e.SEND_DEFAULT_MPS,
      maxWaitMs: e.SEND_MAX_WAIT_MS,
      pair: e.SEND_PAIR_PER_MINUTE > 0 ? { burst: e.SEND_PAIR_BURST, perMinute: e.SEND_PAIR_PER_MINUTE } : null,
      defaultMessagingLimit: e.SEND_DEFAULT_MESSAGING_LIMIT,
    },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    broadcasts: { concurrency: e.BROADCAST_CONCURRENCY, outcomeWaitMs: e.BROADCAST_OUTCOME_WAIT_MS, leaseMs: e.BROADCAST_LEASE_MS },
  });
}

/** Variables whose value may hold a credential (a password in a URL): named, never echoed. */
const UNECHOED = new Set(['SWITCHBOARD_SECRET', 'DATABASE_URL', 'MEDIA_S3_ENDPOINT']);

/** The longest part of a bad value echoed back. */
const ECHO_CHARS = 60;

/**
 * One problem with the environment, in words an operator acts on: the variable, what it must be
 * (the schema's own message, else expectedValue's), and what it is (the value itself, unless it
 * may hold a credential). Pure.
 */
export function describeEnvIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? 'the environment');
  const raw = env[name];
  const given = raw === undefined || UNECHOED.has(name) ? '' : raw.trim() === '' ? ' (it is empty)' : ` (it is ${JSON.stringify(raw.slice(0, ECHO_CHARS))})`;
  return `${name} ${issue.message}${given}`;
}

/**
 * The error map the environment is parsed with: zod's defaults speak of types ("expected number,
 * received NaN"), these of values. A message the schema wrote itself takes precedence (zod asks
 * this map only for issues without one).
 */
export const expectedValue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be a whole number' : issue.expected === 'number' ? 'must be a number' : `must be a ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL with its scheme, such as https://example.com' : undefined;
    default:
      return undefined;
  }
};

/** The folder that holds the embedded database, the generated secret and (by default) media. */
/**
 * Whether a failed start prints its stack (LOG_LEVEL=debug or trace). Read on its own, from the
 * raw environment, because it is asked after a failure, whatever the rest of the environment holds.
 */
export function wantsStartupStacks(env: Record<string, string | undefined> = process.env): boolean {
  return env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
}

function dataDirOf(url: string): string {
  if (!url.startsWith('sqlite:')) return './data';
  const file = url.slice('sqlite:'.length);
  if (file === ':memory:') return './data';
  const slash = file.lastIndexOf('/');
  return slash > 0 ? file.slice(0, slash) : '.';
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(value);
}

/** TRUST_PROXY as Fastify's `trustProxy` takes it (a hop count as the function Fastify makes of one). */
function trustProxyOf(value: string): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',').map((address) => address.trim());
}
