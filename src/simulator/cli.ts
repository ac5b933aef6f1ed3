import type { Command } from 'commander';
import pino from 'pino';
import type { SimulatorOptions } from './options.ts';

/** The flags of `switchboard simulator`, as commander parses them. */
export interface SimulatorCliOptions {
  port: string;
  host: string;
  webhookUrl?: string;
  seed?: string;
  publicUrl?: string;
  logLevel: string;
  maxMps?: string;
  webhookAttempts?: string;
  pairRate: boolean;
  window: boolean;
  batchWindowMs?: string;
  batchMaxItems?: string;
  deliveryConcurrency?: string;
  realisticStatuses?: boolean;
  optOutShare?: string;
  unknownShare?: string;
  answerShare?: string;
  bsuidShare?: string;
  hiddenPhoneShare?: string;
}

/** A non-negative integer option, or undefined when not given. */
function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

/** A share between 0 and 1, or undefined when not given. */
function shareOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new Error(`--${name} must be a number between 0 and 1, got ${value}`);
  return n;
}

/** The simulator's options for the flags given (the logger and seed aside). */
export function optionsFromFlags(opts: SimulatorCliOptions): SimulatorOptions {
  const optOutShare = shareOption('opt-out-share', opts.optOutShare);
  const unknownShare = shareOption('unknown-share', opts.unknownShare);
  const answerShare = shareOption('answer-share', opts.answerShare);
  const bsuidShare = shareOption('bsuid-share', opts.bsuidShare);
  const hiddenPhoneShare = shareOption('hidden-phone-share', opts.hiddenPhoneShare);
  return {
    ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    ...(opts.maxMps !== undefined ? { maxMessagesPerSecond: intOption('max-mps', opts.maxMps) } : {}),
    ...(opts.webhookAttempts !== undefined ? { retry: { maxAttempts: intOption('webhook-attempts', opts.webhookAttempts) } } : {}),
    ...(opts.pairRate ? {} : { pairRateLimit: false as const }),
    ...(opts.window ? {} : { enforceWindow: false }),
    ...(opts.batchWindowMs !== undefined ? { batchWindowMs: intOption('batch-window-ms', opts.batchWindowMs) } : {}),
    ...(opts.batchMaxItems !== undefined ? { batchMaxItems: intOption('batch-max-items', opts.batchMaxItems) } : {}),
    ...(opts.deliveryConcurrency !== undefined ? { deliveryConcurrency: intOption('delivery-concurrency', opts.deliveryConcurrency) } : {}),
    ...(opts.realisticStatuses ? { realisticStatuses: true } : {}),
    ...(optOutShare !== undefined ? { marketingOptOutShare: optOutShare } : {}),
    ...(unknownShare !== undefined ? { notOnWhatsAppShare: unknownShare } : {}),
    ...(answerShare !== undefined ? { answerShare } : {}),
    ...(bsuidShare !== undefined ? { bsuidShare } : {}),
    ...(hiddenPhoneShare !== undefined ? { hiddenPhoneShare } : {}),
  };
}

/**
 * `switchboard simulator`: runs the local Meta Graph API on its own port and logs what it does
 * (docs/simulator.md). Numbers are registered through the control API once it listens.
 */
export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description("run the local Meta WhatsApp Cloud API simulator (Graph routes + /_simulator control API)")
    .option('--port <port>', 'port to listen on', '4000')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--webhook-url <url>', 'default webhook target (e.g. http://127.0.0.1:3000/webhooks/whatsapp)')
    .option('--seed <n>', 'seed ids and fault injection for repeatable runs')
    .option('--public-url <url>', 'origin used in media download URLs (default: the request origin)')
    .option('--log-level <level>', 'pino log level', 'info')
    .option('--max-mps <n>', 'per-number sends accepted in any one second before 130429 (default 80)')
    .option('--webhook-attempts <n>', 'POSTs of a webhook before giving up, 1 s apart doubling to 60 s (default 5: about 15 s; Meta keeps trying for days)')
    .option('--no-pair-rate', 'disable the pair rate limit (131056)')
    .option('--no-window', 'do not enforce the 24-hour customer service window (131047)')
    .option('--batch-window-ms <ms>', 'how long webhook updates wait to share a POST (default 0)')
    .option('--batch-max-items <n>', 'most updates in one webhook POST (default 100)')
    .option('--delivery-concurrency <n>', 'webhook POSTs in flight at once (default 1)')
    .option('--realistic-statuses', 'status webhooks with Meta-like seeded delays: sent 0.1–0.5 s, delivered 1–3 s, 70% read 4–30 s')
    .option('--opt-out-share <share>', 'share (0–1) of customers who refuse marketing templates (131050)')
    .option('--unknown-share <share>', 'share (0–1) of customers not on WhatsApp (131026)')
    .option('--answer-share <share>', 'share (0–1) of customers who answer a template with a text')
    .option('--bsuid-share <0-1>', 'share of customers with a username and a business-scoped user id (default 0)')
    .option('--hidden-phone-share <0-1>', 'share of those customers whose wa_id arrives empty (default 0)')
    .action(async (opts: SimulatorCliOptions) => {
      const log = pino({ level: opts.logLevel, redact: { paths: ['req.headers.authorization', '*.access_token', '*.app_secret'], censor: '[redacted]' } });
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${opts.port}`);
      const seed = opts.seed === undefined ? undefined : Number(opts.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${opts.seed}`);
      const options = optionsFromFlags(opts);
      // Imported when the command runs, so other commands start without the simulator loaded.
      const { buildSimulator } = await import('./index.ts');
      const simulator = await buildSimulator({ logger: log, ...(seed !== undefined ? { seed } : {}), ...options });
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        log.info({ signal }, 'simulator shutting down');
        await simulator.close();
      };
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      process.once('SIGINT', () => void shutdown('SIGINT'));
      const address = await simulator.app.listen({ port, host: opts.host });
      log.info({ url: address, webhookUrl: opts.webhookUrl ?? null, seed: seed ?? null }, 'simulator listening');
    });
}
