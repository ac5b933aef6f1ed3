import { FastHistogram } from './fast-histogram.ts';
import { promClient } from './prom-client.ts';

/*
 * Every metric this process exposes at /metrics, in one place (docs/metrics.md lists them). Each
 * process has its own registry, held in deps: the CLI runs one gateway per process, but tests build
 * many in one process, and prom-client's global registry would mix them (and refuse a second
 * metric of the same name).
 */

/** Seconds, for request and query durations: from a fraction of a millisecond to the 30 s request timeout. */
const DURATION_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Payloads per ingest transaction: group commit closes a batch at 256 payloads. */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** The process's metrics and the registry that renders them. */
export class Metrics {
  private readonly prom = promClient();
  readonly registry = new this.prom.Registry();
  /**
   * Whether /metrics is served (METRICS_TOKEN or METRICS_PORT). Only then are the costs that fall on
   * every request paid (the HTTP and query timings, Node's own collectors); the counters below are
   * a few nanoseconds each and always kept.
   */
  readonly exposed: boolean;

  /** `switchboard_http_request_duration_seconds`, and `switchboard_http_requests_total` counted from it. */
  readonly httpDuration = new FastHistogram(
    'switchboard_http_request_duration_seconds',
    'Time from receiving a request to sending its answer, by route pattern, method and status.',
    DURATION_BUCKETS_SECONDS,
    this.registry,
  );

  readonly ingestPayloads = new this.prom.Counter({
    name: 'switchboard_ingest_payloads_total',
    help: "Meta webhook payloads stored (committed before Meta was answered 200).",
    registers: [this.registry],
  });
  readonly ingestMessages = new this.prom.Counter({
    name: 'switchboard_ingest_messages_total',
    help: 'Inbound messages in stored payloads: result="stored" (new) or "duplicate" (already stored, by wamid).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly ingestStatuses = new this.prom.Counter({
    name: 'switchboard_ingest_statuses_total',
    help: 'Status events in stored payloads: result="stored" (new) or "duplicate".',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly ingestBatchSize = new this.prom.Histogram({
    name: 'switchboard_ingest_batch_payloads',
    help: 'Payloads committed together in one ingest transaction (group commit).',
    buckets: BATCH_SIZE_BUCKETS,
    registers: [this.registry],
  });

  readonly webhookAttempts = new this.prom.Counter({
    name: 'switchboard_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts recorded, by outcome: "delivered", or the failure class (http_status, timeout, connection, bad_response, blocked_address, invalid_url, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveriesFailed = new this.prom.Counter({
    name: 'switchboard_webhook_deliveries_failed_total',
    help: 'Webhook deliveries given up (failed for good past their deadline).',
    registers: [this.registry],
  });

  readonly mediaDownloads = new this.prom.Counter({
    name: 'switchboard_media_downloads_total',
    help: 'Media download outcomes: "stored", "retry" (failed, due again later) or "failed" (given up).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Called by the send governor (pacing/) when a send is answered 429: limit="throughput" or "pair". */
  readonly sendGovernorRefusals = new this.prom.Counter({
    name: 'switchboard_send_governor_refusals_total',
    help: "Sends refused by the send governor, by the limit that was used up: \"throughput\" (the number's rate) or \"pair\" (the customer's).",
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  /** Called by the send governor when a send had to wait for room before going to Meta. */
  readonly sendGovernorWaits = new this.prom.Counter({
    name: 'switchboard_send_governor_waits_total',
    help: 'Sends the send governor held back for room before they went to Meta.',
    registers: [this.registry],
  });
  /** Called by the broadcast worker per recipient send: outcome such as "sent", "failed", "retry". */
  readonly broadcastSends = new this.prom.Counter({
    name: 'switchboard_broadcast_sends_total',
    help: 'Broadcast recipient sends, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  /** Called when a status webhook moves a broadcast recipient (delivered, read, failed…). */
  readonly broadcastStatusUpdates = new this.prom.Counter({
    name: 'switchboard_broadcast_status_updates_total',
    help: "Status updates applied to broadcast recipients, by the recipient's new status.",
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly queryDuration = new FastHistogram(
    'switchboard_db_query_duration_seconds',
    'Database statement durations, by dialect and operation (select, insert, update, delete, other).',
    DURATION_BUCKETS_SECONDS,
    this.registry,
  );

  constructor(opts: { exposed: boolean }) {
    this.exposed = opts.exposed;
    this.httpDuration.countAs('switchboard_http_requests_total', 'HTTP requests answered, by route pattern, method and status.', this.registry);
    // Event-loop lag, GC, heap and the other process_* / nodejs_* metrics. They watch the
    // process (one GC observer and event-loop monitor each), so only a process that serves them
    // starts them.
    if (opts.exposed) this.prom.collectDefaultMetrics({ register: this.registry });
  }
}
