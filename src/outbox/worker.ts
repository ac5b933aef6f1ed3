import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import { OutageBackoff } from '../db/outage.ts';
import { isStoreUnavailable } from '../db/unavailable.ts';
import type { DeliveryRow, DeliveryWithBody, WebhookRow } from '../db/schema.ts';
import { WebhookSender } from './deliver.ts';
import { attachBodies, claimBufferedSiblings, claimDueDeliveries, findWebhooksByIds, holdClaimedDeliveries } from './delivery-store.ts';
import { fanOutEvents } from './fan-out.ts';
import { announceInactiveConversations } from './inactivity.ts';
import { AttemptRecorder } from './attempt-recorder.ts';
import { sendRequest } from './send-request.ts';

export type WorkerDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'cipher' | 'log' | 'mediaUrls'>;

export interface OutboxWorkerOptions {
  /** Requests in flight at once. */
  concurrency?: number;
  /** How long an idle worker sleeps before looking again (a wake() cuts it short). */
  idlePollMs?: number;
  /** How often conversations gone quiet are looked for (`whatsapp.conversation.inactive`). */
  inactivityEveryMs?: number;
  /** How long to let events gather after a fan-out that found only a few (see run()). */
  gatherMs?: number;
}

/** Events fanned out per transaction. */
const FAN_OUT_BATCH = 500;

/**
 * The delivery worker (design.md "Webhooks out", style.md rule 12): fans new outbox events out
 * into deliveries, claims due deliveries under a lease, sends them (buffered ones in batches),
 * and records every attempt. Any number of workers can run against one PostgreSQL database; a
 * worker that dies leaves leases that expire and are claimed again by the others. On stop it
 * claims nothing more and lets requests in flight finish, up to a deadline.
 */
export class OutboxWorker {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly sender: WebhookSender;
  private readonly recorder: AttemptRecorder;
  private readonly log: Logger;
  /** Every launched request until its outcome is recorded. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Requests waiting for the receiver's answer: the concurrency limit applies to these. */
  private sending = 0;
  private readonly concurrency: number;
  private readonly idlePollMs: number;
  private readonly gatherMs: number;
  private readonly inactivityEveryMs: number;
  private readonly leaseMs: number;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private nextInactivityAt = 0;
  /** performance.now() from which an idle worker claims again (see run()). */
  private nextClaimAt = 0;
  private readonly outage: OutageBackoff;

  constructor(
    private readonly deps: WorkerDeps,
    opts: OutboxWorkerOptions = {},
  ) {
    const { webhooks } = deps.config;
    this.sender = new WebhookSender({ timeoutMs: webhooks.timeoutMs, allowPrivate: webhooks.allowPrivateUrls });
    this.log = deps.log.child({ worker: this.workerId });
    this.recorder = new AttemptRecorder(deps, this.log, this.workerId);
    this.outage = new OutageBackoff(this.log, 'outbox worker cycle');
    this.concurrency = opts.concurrency ?? 32;
    this.idlePollMs = opts.idlePollMs ?? 50;
    this.gatherMs = opts.gatherMs ?? 10;
    this.inactivityEveryMs = opts.inactivityEveryMs ?? 30_000;
    // Longer than any attempt can take, so a live worker never loses a lease it is using.
    this.leaseMs = webhooks.timeoutMs + 5_000;
  }

  /** Starts the loop in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Cuts an idle sleep short: new events were committed in this process. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops claiming, waits for requests in flight up to `drainMs`, and closes the HTTP pool. */
  async stop(drainMs = 10_000): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    const drained = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(resolve, drainMs);
    });
    await Promise.race([drained, deadline]);
    clearTimeout(timer);
    if (this.inFlight.size > 0) this.log.warn({ inFlight: this.inFlight.size }, 'stopped with deliveries in flight; their leases will expire');
    await this.sender.close();
  }

  /**
   * Does everything due now and waits for it: fans out every event, sends every due delivery.
   * For tests and one-shot runs (the injected clock decides what is due). Returns requests sent.
   */
  async runOnce(): Promise<number> {
    let sent = 0;
    await this.announceInactivity(true);
    while ((await fanOutEvents(this.deps)).events > 0);
    for (;;) {
      const launched = await this.claimAndLaunch();
      if (launched === 0) break;
      sent += launched;
      await Promise.allSettled([...this.inFlight]);
    }
    return sent;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.announceInactivity(false);
        const { events, deliveries } = await fanOutEvents(this.deps, FAN_OUT_BATCH);
        // A claim is a query (and on SQLite a write transaction): made when this fan-out made
        // deliveries, while requests are in flight, after a claim that found work, and otherwise
        // every idlePollMs (retries coming due, deliveries made elsewhere), not after every
        // ingest commit. Claims are made for half the pool at a time: one claim per finished
        // request would cost a claim transaction per delivery.
        const now = performance.now();
        const claimNow = deliveries > 0 || this.inFlight.size > 0 || now >= this.nextClaimAt;
        const launched = claimNow && this.sending <= this.concurrency / 2 ? await this.claimAndLaunch() : 0;
        if (claimNow) this.nextClaimAt = launched > 0 ? 0 : now + this.idlePollMs;
        if (events === 0 && launched === 0) await this.sleep(this.idlePollMs);
        // Events trickling in (every ingest commit rings the bell): gather them for a moment
        // rather than fan out and poll after each commit, which cost busy ingest a tenth of
        // its throughput in queries that found a few events each. The bell cannot cut this short.
        else if (events > 0 && events < FAN_OUT_BATCH && launched === 0) await delay(this.gatherMs);
        this.outage.succeeded();
      } catch (err) {
        // The store down: wait longer each time (a wake() still cuts the wait short: a commit
        // in this process means the store answers again).
        await this.sleep(this.outage.failed(err));
      }
    }
  }

  /** Claims what there is room for and starts sending it; returns the requests started. */
  private async claimAndLaunch(): Promise<number> {
    // Answers waiting to be recorded do not hold a request slot (the recorder batches them), but
    // their number is bounded too.
    const room = Math.min(this.concurrency - this.sending, this.concurrency * 4 - this.inFlight.size);
    if (room <= 0) return 0;
    const claim = { workerId: this.workerId, now: this.deps.clock.now(), leaseMs: this.leaseMs, limit: room };
    const { db } = this.deps.database;
    // One statement, atomic by itself: no transaction around it (two round trips fewer per claim).
    const claimed = await claimDueDeliveries(db, claim);
    if (claimed.length === 0) return 0;
    const webhooks = new Map((await findWebhooksByIds(db, [...new Set(claimed.map((d) => d.webhook_id))])).map((w) => [w.id, w]));
    // Paused or deactivated since the delivery was made: back on hold until it is resumed.
    const live = (d: DeliveryRow) => {
      const w = webhooks.get(d.webhook_id);
      return w !== undefined && Number(w.active) === 1 && w.paused_at === null;
    };
    await holdClaimedDeliveries(db, claimed.filter((d) => !live(d)).map((d) => d.id), this.workerId);
    const requests = await this.groupIntoRequests(claimed.filter(live), webhooks, claim);
    const withBodies = new Map((await attachBodies(db, requests.flatMap((r) => r.items))).map((d) => [d.id, d]));
    for (const { webhook, items } of requests) {
      const ready = items.flatMap((d) => withBodies.get(d.id) ?? []);
      if (ready.length > 0) this.launch(webhook, ready);
    }
    return requests.length;
  }

  /**
   * One request per delivery, except first attempts of buffered messages: those of one
   * conversation and subscription go together, topped up with the others still buffered (§8.5).
   */
  private async groupIntoRequests(claimed: DeliveryRow[], webhooks: Map<string, WebhookRow>, claim: { workerId: string; now: number; leaseMs: number }) {
    const requests: Array<{ webhook: WebhookRow; items: DeliveryRow[] }> = [];
    const batches = new Map<string, DeliveryRow[]>();
    for (const d of claimed) {
      const webhook = webhooks.get(d.webhook_id);
      if (!webhook) continue;
      if (Number(d.buffered) === 1 && d.attempt_count === 0 && d.conversation_id !== null) {
        const key = `${d.webhook_id}\n${d.conversation_id}`;
        batches.set(key, [...(batches.get(key) ?? []), d]);
      } else requests.push({ webhook, items: [d] });
    }
    for (const items of batches.values()) {
      const webhook = webhooks.get((items[0] as DeliveryRow).webhook_id) as WebhookRow;
      const room = webhook.max_buffer_size - items.length;
      const { db } = this.deps.database;
      const more = room > 0 ? await claimBufferedSiblings(db, items[0] as DeliveryRow, { ...claim, limit: room }) : [];
      const all = [...items, ...more].sort((a, b) => a.seq - b.seq);
      for (let i = 0; i < all.length; i += webhook.max_buffer_size) requests.push({ webhook, items: all.slice(i, i + webhook.max_buffer_size) });
    }
    return requests;
  }

  private launch(webhook: WebhookRow, items: DeliveryWithBody[]): void {
    this.sending++;
    const task = sendRequest(this.deps, this.sender, webhook, items)
      .finally(() => {
        this.sending--;
        this.wake();
      })
      .then(async (outcome) => {
        const fields = { webhookId: webhook.id, deliveryIds: items.map((d) => d.id), attempt: (items[0]?.attempt_count ?? 0) + 1, status: outcome.result.responseStatus, ms: outcome.result.durationMs };
        if (outcome.result.ok) this.log.debug(fields, 'webhook delivered');
        else this.log.warn({ ...fields, errorClass: outcome.result.errorClass, error: outcome.result.errorMessage }, 'webhook delivery failed');
        await this.recorder.record(outcome);
      })
      .catch((err) => {
        const level = isStoreUnavailable(err) ? 'warn' : 'error';
        this.log[level]({ err, webhookId: webhook.id }, 'recording a delivery attempt failed; the lease will expire and it is retried');
      })
      .finally(() => {
        this.inFlight.delete(task);
        this.wake();
      });
    this.inFlight.add(task);
  }

  private async announceInactivity(force: boolean): Promise<void> {
    const now = this.deps.clock.now();
    if (!force && now < this.nextInactivityAt) return;
    this.nextInactivityAt = now + this.inactivityEveryMs;
    const announced = await announceInactiveConversations(this.deps, now);
    if (announced > 0) this.log.info({ announced }, 'announced inactive conversations');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}
