import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import { nextAttemptAt } from '../jobs/backoff.ts';
import { GroupCommit } from '../jobs/group-commit.ts';
import {
  type ConversationLane,
  insertAttempts,
  markAttemptFailed,
  markDelivered,
  recordWebhookFailure,
  recordWebhookSuccess,
  releaseNextInConversations,
} from './delivery-store.ts';
import type { RequestOutcome } from './send-request.ts';

/** A subscription is paused only after this many failed attempts, whatever the time elapsed. */
const MIN_FAILURES_BEFORE_PAUSE = 20;

type RecorderDeps = Pick<Deps, 'database' | 'config' | 'metrics'>;

/**
 * Records request outcomes in the delivery log, many per transaction: the outcomes that finish
 * while one transaction commits are written together by the next (group commit, as ingest does),
 * so a busy worker pays one commit per handful of deliveries rather than per delivery. Each
 * caller's promise settles once its outcome is committed.
 */
export class AttemptRecorder {
  private readonly commits: GroupCommit<RequestOutcome>;

  constructor(
    private readonly deps: RecorderDeps,
    private readonly log: Logger,
    private readonly workerId: string,
  ) {
    this.commits = new GroupCommit((outcomes) => this.write(outcomes));
  }

  /** Queues an outcome; resolves when it is recorded. */
  record(outcome: RequestOutcome): Promise<void> {
    return this.commits.add(outcome);
  }

  private async write(outcomes: readonly RequestOutcome[]): Promise<void> {
    const { paused, gaveUp } = await this.deps.database.db.transaction().execute((trx) => recordOutcomes(trx, outcomes, this.deps, this.workerId));
    countAttempts(this.deps.metrics, outcomes, gaveUp);
    for (const id of paused) this.log.error({ webhookId: id }, 'webhook paused after failing continuously');
  }
}

/** The delivery counters, once the outcomes are committed: one attempt per delivery a request carried. */
function countAttempts(metrics: RecorderDeps['metrics'], outcomes: readonly RequestOutcome[], gaveUp: number): void {
  for (const { items, result } of outcomes) metrics.webhookAttempts.inc({ outcome: result.ok ? 'delivered' : (result.errorClass ?? 'error') }, items.length);
  if (gaveUp > 0) metrics.webhookDeliveriesFailed.inc(gaveUp);
}

/**
 * Writes outcomes: every attempt in the log; delivered deliveries; failed ones due again on
 * Kapso's schedule then with backoff, or failed for good past their deadline; each subscription's
 * failure run, pausing it when it has failed without a success for too long. Returns the ids of
 * subscriptions this paused and how many deliveries failed for good.
 */
async function recordOutcomes(trx: Parameters<typeof insertAttempts>[0], outcomes: readonly RequestOutcome[], deps: RecorderDeps, workerId: string): Promise<{ paused: string[]; gaveUp: number }> {
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
  // Successes in one statement per answer status (200, 204…), stamped with the batch's latest
  // answer: the exact instant of each attempt is in the attempts just written.
  const delivered = new Map<number, { ids: string[]; at: number; status: number }>();
  for (const { items, result, at } of outcomes.filter((o) => o.result.ok)) {
    const status = result.responseStatus ?? 200;
    const group = delivered.get(status) ?? { ids: [], at, status };
    group.ids.push(...items.map((d) => d.id));
    group.at = Math.max(group.at, at);
    delivered.set(status, group);
  }
  for (const group of delivered.values()) await markDelivered(trx, group.ids, workerId, group.at, group.status);
  // A subscription that had no failures when its deliveries were claimed needs no reset.
  const recovering = outcomes.filter((o) => o.result.ok && (o.webhook.consecutive_failures > 0 || o.webhook.failing_since !== null));
  for (const webhookId of new Set(recovering.map((o) => o.webhook.id))) await recordWebhookSuccess(trx, webhookId);
  const paused: string[] = [];
  let gaveUp = 0;
  // Lanes whose delivery is finished (delivered, or failed for good): their next one may go.
  const finished: ConversationLane[] = [];
  for (const { webhook, items, result, at } of outcomes) {
    for (const d of items) {
      const retryAt = result.ok ? null : nextAttemptAt(d.attempt_count + 1, at, d.deadline_at, webhooks.retryScheduleMs, Math.random());
      if (!result.ok && retryAt === null) gaveUp++;
      if (!result.ok) await markAttemptFailed(trx, d.id, workerId, { at, retryAt, responseStatus: result.responseStatus, error: `${result.errorClass}: ${result.errorMessage}` });
      if ((result.ok || retryAt === null) && Number(d.ordered) === 1 && d.conversation_id) finished.push({ webhookId: d.webhook_id, conversationId: d.conversation_id });
    }
    if (!result.ok && (await recordWebhookFailure(trx, webhook.id, at, webhooks.pauseAfterMs, MIN_FAILURES_BEFORE_PAUSE))) paused.push(webhook.id);
  }
  await releaseNextInConversations(trx, finished, Math.max(...outcomes.map((o) => o.at)));
  return { paused, gaveUp };
}
