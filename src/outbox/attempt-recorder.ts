import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import { nextAttemptAt } from './backoff.ts';
import { insertAttempts, markAttemptFailed, markDelivered, recordWebhookFailure, recordWebhookSuccess } from './delivery-store.ts';
import type { RequestOutcome } from './send-request.ts';

/** A subscription is paused only after this many failed attempts, whatever the time elapsed. */
const MIN_FAILURES_BEFORE_PAUSE = 20;

type RecorderDeps = Pick<Deps, 'database' | 'config'>;

interface Waiting {
  outcome: RequestOutcome;
  done: () => void;
  failed: (err: unknown) => void;
}

/**
 * Records request outcomes in the delivery log, many per transaction: the outcomes that finish
 * while one transaction commits are written together by the next (group commit, as ingest does),
 * so a busy worker pays one commit per handful of deliveries rather than per delivery. Each
 * caller's promise settles once its outcome is committed.
 */
export class AttemptRecorder {
  private queue: Waiting[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly deps: RecorderDeps,
    private readonly log: Logger,
    private readonly workerId: string,
  ) {}

  /** Queues an outcome; resolves when it is recorded. */
  record(outcome: RequestOutcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ outcome, done: resolve, failed: reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // Let outcomes that complete in this turn of the event loop join the batch.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.queue.splice(0, 200);
      try {
        const paused = await this.deps.database.db.transaction().execute((trx) => recordOutcomes(trx, batch.map((w) => w.outcome), this.deps, this.workerId));
        for (const w of batch) w.done();
        for (const id of paused) this.log.error({ webhookId: id }, 'webhook paused after failing continuously');
      } catch (err) {
        for (const w of batch) w.failed(err);
      }
    }
    this.flushing = null;
  }
}

/**
 * Writes outcomes: every attempt in the log; delivered deliveries; failed ones due again on
 * Kapso's schedule then with backoff, or failed for good past their deadline; each subscription's
 * failure run, pausing it when it has failed without a success for too long. Returns the ids of
 * subscriptions this paused.
 */
async function recordOutcomes(trx: Parameters<typeof insertAttempts>[0], outcomes: readonly RequestOutcome[], deps: RecorderDeps, workerId: string): Promise<string[]> {
  const { webhooks } = deps.config;
  await insertAttempts(
    trx,
    outcomes.flatMap(({ items, result, at }) =>
      items.map((d) => ({
        deliveryId: d.id,
        attempt: d.attempt_count + 1,
        startedAt: at - result.durationMs,
        durationMs: result.durationMs,
        responseStatus: result.responseStatus,
        errorClass: result.errorClass,
        errorMessage: result.errorMessage,
        responseExcerpt: result.responseExcerpt,
        batchSize: items.length,
      })),
    ),
  );
  const succeeded = new Set<string>();
  const paused: string[] = [];
  for (const { webhook, items, result, at } of outcomes) {
    if (result.ok) {
      await markDelivered(trx, items.map((d) => d.id), workerId, at, result.responseStatus ?? 200);
      if (!succeeded.has(webhook.id)) await recordWebhookSuccess(trx, webhook.id);
      succeeded.add(webhook.id);
      continue;
    }
    for (const d of items) {
      const retryAt = nextAttemptAt(d.attempt_count + 1, at, d.deadline_at, webhooks.retryScheduleMs, Math.random());
      await markAttemptFailed(trx, d.id, workerId, { at, retryAt, responseStatus: result.responseStatus, error: `${result.errorClass}: ${result.errorMessage}` });
    }
    if (await recordWebhookFailure(trx, webhook.id, at, webhooks.pauseAfterMs, MIN_FAILURES_BEFORE_PAUSE)) paused.push(webhook.id);
  }
  return paused;
}
