import { createRequire } from 'node:module';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import { storeCapabilities } from './db/capabilities.ts';
import { connectDatabase } from './db/connect.ts';
import { cachedProbe, createDatabaseProbe } from './db/probe.ts';
import { createCursorCodec, deriveCursorKey } from './http/cursor.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import { openBlobStore } from './blobs/open-blob-store.ts';
import { type DependencyProbe, Readiness } from './http/readiness.ts';
import { createMediaUrlSigner, deriveMediaUrlKey } from './crypto/signed-url.ts';
import { memoryBudgetSource } from './pacing/budget-source.ts';
import { PairLimiter } from './pacing/pair-limiter.ts';
import { SendGovernor } from './pacing/send-governor.ts';
import { sharedBudgetSource } from './pacing/shared-budget-store.ts';
import { WakeSignal } from './jobs/wake-signal.ts';
import { GraphClient } from './graph/graph-client.ts';
import { createCipher, resolveSecret } from './crypto/secrets.ts';
import { Metrics } from './metrics/metrics.ts';
import { observeQueries } from './metrics/query-observer.ts';
import { registerScrapeGauges } from './metrics/scrape-gauges.ts';

/**
 * Paths and headers the logger must never print (style.md §17): credentials in request headers
 * (for a line that logs headers), and fields named like a secret at the top level or one level
 * down (`{ number: { access_token } }`). Request URLs are made loggable by http/log-url.ts.
 */
export const redactPaths = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  'headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  // Exact paths cost next to nothing; any `*.` path puts every line on pino's slower redaction
  // path (about 10 µs a line, measured), so the wildcards stay the few names nested objects carry.
  ...['access_token', 'app_secret', 'verify_token', 'webhook_verify_token', 'api_key', 'secret_key', 'token'],
  ...['access_token', 'app_secret', 'verify_token', 'api_key', 'secret_key', 'token'].map((name) => `*.${name}`),
];

/** The logger's options, shared by createLogger and tests that capture the log in a buffer. */
export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: redactPaths, censor: '[redacted]' } };
}

/**
 * Creates the process logger: JSON lines on stdout (the servers: `serve`, `worker`), or on stderr
 * for one-shot commands, whose stdout is their own output (a log line there would break `--json`
 * for a script). Pretty only on a terminal and only where pino-pretty is installed (a development
 * dependency: `npm ci --omit=dev` leaves it out, and asking pino for a transport it cannot find
 * crashed `serve` on a terminal).
 */
export function createLogger(level: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const fd = to === 'stdout' ? 1 : 2;
  const pretty = process[to].isTTY && level !== 'silent' && isInstalled('pino-pretty');
  if (pretty) return pino({ ...loggerOptions(level), transport: { target: 'pino-pretty', options: { colorize: true, destination: fd } } });
  // stdout keeps pino's default destination (the servers' measured path); stderr is written
  // synchronously, so a command's last lines are out before it exits.
  return to === 'stdout' ? pino(loggerOptions(level)) : pino(loggerOptions(level), pino.destination({ fd, sync: true }));
}

/**
 * Builds the dependencies from a config. `relaxedCommits` is for delivery-worker processes only,
 * `backgroundCheckpoints` for long-running ones (see connectDatabase).
 */
export function createDeps(
  config: Config,
  overrides: Partial<Pick<Deps, 'log' | 'clock' | 'blobs'>> & { relaxedCommits?: boolean; backgroundCheckpoints?: boolean } = {},
): Deps {
  const { generatesSecret, singleServingProcess } = storeCapabilities(config.db.url);
  const secret = resolveSecret({ configured: config.secret, dataDir: config.db.dataDir, embedded: generatesSecret });
  const dialect = config.db.url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const exposed = metricsExposed(config);
  // Served metrics time every statement from the first one. Otherwise the metrics (and
  // prom-client) are made when first used: a one-shot CLI command that records none never loads them.
  const timed = exposed ? new Metrics({ exposed }) : null;
  const database = connectDatabase(config.db.url, {
    relaxedCommits: overrides.relaxedCommits ?? false,
    backgroundCheckpoints: overrides.backgroundCheckpoints ?? false,
    ...(timed ? { onQuery: observeQueries(timed.queryDuration, dialect) } : {}),
  });
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(config.log.level);
  let made: Metrics | null = null;
  const metrics = (): Metrics => {
    if (made) return made;
    made = timed ?? new Metrics({ exposed });
    registerScrapeGauges(made, { database, clock, log });
    return made;
  };
  if (timed) metrics();
  const blobs = overrides.blobs ?? openBlobStore(config.media);
  return {
    config,
    database,
    log,
    clock,
    cipher: createCipher(secret),
    // Every process sharing a database shares the secret, so a cursor verifies on any of them.
    cursors: createCursorCodec(deriveCursorKey(secret)),
    mediaUrls: createMediaUrlSigner({ key: deriveMediaUrlKey(secret), publicUrl: config.http.publicUrl, ttlSeconds: config.media.urlTtlSeconds }),
    blobs,
    graph: new GraphClient({ timeoutMs: config.meta.timeoutMs, connectTimeoutMs: 5_000 }),
    outboxBell: new WakeSignal(),
    mediaBell: new WakeSignal(),
    broadcastBell: new WakeSignal(),
    // One serving process keeps the numbers' send budgets in memory; several share them in the store.
    governor: new SendGovernor(
      singleServingProcess ? memoryBudgetSource() : sharedBudgetSource(database.db, { lostAfterMs: config.meta.timeoutMs + 5_000 }),
      config.sending.pair ? new PairLimiter(config.sending.pair) : null,
      Date.now,
      { refused: (limit) => metrics().sendGovernorRefusals.inc({ limit }), waited: () => metrics().sendGovernorWaits.inc() },
    ),
    // The probes' cache is about wall time (how often /readyz asks), not the domain clock.
    readiness: new Readiness(createDatabaseProbe(database), mediaStoreProbe(blobs)),
    get metrics() {
      return metrics();
    },
  };
}

/**
 * The media store's state for `/readyz`: `ok` or BlobStore.check's few words, asked at most once a
 * second; an S3 endpoint silent for 2 s counts as `unreachable` (its own timeouts are longer).
 */
export function mediaStoreProbe(blobs: BlobStore): DependencyProbe {
  const check = () => blobs.check().then((problem) => problem?.state ?? 'ok', () => 'unreachable');
  return cachedProbe(check, 'unreachable', { timeoutMs: 2_000 });
}

/** /metrics is served only when protected: by a bearer token, or on a port of its own. */
export function metricsExposed(config: Config): boolean {
  return config.metrics.token !== undefined || config.metrics.port !== undefined;
}

/** Releases what createDeps opened. */
export async function closeDeps(deps: Deps): Promise<void> {
  // The answers of the last sends, so that the number's shared window does not count them as lost.
  await deps.governor.close().catch(() => undefined);
  await deps.graph.close();
  await deps.blobs.close();
  await deps.database.close();
}

/** Whether a package can be resolved from here. */
export function isInstalled(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
