import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import type { JobQueue, LeaseRequest, Prepared } from '../jobs/job-queue.ts';
import { AttemptRecorder } from './attempt-recorder.ts';
import { claimDueRequests, type WebhookRequest } from './claim-requests.ts';
import { WebhookSender } from './deliver.ts';
import { fanOutEvents } from './fan-out.ts';
import { announceInactiveConversations } from './inactivity.ts';
import { type RequestOutcome, sendRequest } from './send-request.ts';

export type DeliveryQueueDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'cipher' | 'log' | 'mediaUrls' | 'metrics'>;

/** Events fanned out per transaction. */
export const FAN_OUT_BATCH = 500;

/**
 * Webhook deliveries as a JobRunner queue (design.md "Webhooks out"): before each claim, new
 * outbox events are fanned out into deliveries (one fan-out at a time across processes, in event
 * order: fan-out.ts) and quiet conversations are announced; a job is one request (a delivery or a
 * buffered batch); its outcome goes to the delivery log in group commits, retried on Kapso's
 * schedule then with backoff until the delivery's deadline, then failed for good.
 */
export class DeliveryQueue implements JobQueue<WebhookRequest, RequestOutcome> {
  readonly name = 'outbox worker';
  private readonly sender: WebhookSender;
  private readonly recorder: AttemptRecorder;
  private nextInactivityAt = 0;

  constructor(
    private readonly deps: DeliveryQueueDeps,
    private readonly log: Logger,
    workerId: string,
    private readonly inactivityEveryMs: number,
  ) {
    const { webhooks } = deps.config;
    this.sender = new WebhookSender({ timeoutMs: webhooks.timeoutMs, allowPrivate: webhooks.allowPrivateUrls });
    this.recorder = new AttemptRecorder(deps, log, workerId);
  }

  async prepare(): Promise<Prepared> {
    await this.announceInactivity(false);
    const { events, deliveries } = await fanOutEvents(this.deps, FAN_OUT_BATCH);
    return { took: events, full: events >= FAN_OUT_BATCH, madeDue: deliveries > 0 };
  }

  async prepareAll(): Promise<void> {
    await this.announceInactivity(true);
    while ((await fanOutEvents(this.deps, FAN_OUT_BATCH)).events > 0);
  }

  claim(lease: LeaseRequest): Promise<WebhookRequest[]> {
    return claimDueRequests(this.deps, lease);
  }

  keyOf(request: WebhookRequest): string {
    return request.items[0]?.id ?? '';
  }

  run(request: WebhookRequest): Promise<RequestOutcome> {
    return sendRequest(this.deps, this.sender, request.webhook, request.items);
  }

  /** A request that could not even be composed (its secret unreadable): a failed attempt. */
  crashed(request: WebhookRequest, err: unknown): RequestOutcome {
    const errorMessage = `the request could not be sent: ${err instanceof Error ? err.message : String(err)}`;
    return { ...request, result: { ok: false, responseStatus: null, durationMs: 0, errorClass: 'error', errorMessage, responseExcerpt: null }, at: this.deps.clock.now() };
  }

  async record(request: WebhookRequest, outcome: RequestOutcome): Promise<void> {
    const { result } = outcome;
    // The event ids and the X-Idempotency-Key name the delivery as the receiver's log does; a
    // message's event body carries its wamid, which the ingest or send request's line names.
    const fields = {
      webhookId: request.webhook.id,
      deliveryIds: request.items.map((d) => d.id),
      eventIds: request.items.map((d) => d.event_id),
      idempotencyKey: outcome.idempotencyKey,
      attempt: (request.items[0]?.attempt_count ?? 0) + 1,
      status: result.responseStatus,
      ms: result.durationMs,
    };
    if (result.ok) this.log.debug(fields, 'webhook delivered');
    else this.log.warn({ ...fields, errorClass: result.errorClass, error: result.errorMessage }, 'webhook delivery failed');
    await this.recorder.record(outcome);
  }

  close(): Promise<void> {
    return this.sender.close();
  }

  private async announceInactivity(force: boolean): Promise<void> {
    const now = this.deps.clock.now();
    if (!force && now < this.nextInactivityAt) return;
    this.nextInactivityAt = now + this.inactivityEveryMs;
    const announced = await announceInactiveConversations(this.deps, now);
    if (announced > 0) this.log.info({ announced }, 'announced inactive conversations');
  }
}
