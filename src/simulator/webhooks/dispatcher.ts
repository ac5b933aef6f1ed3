import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { ResolvedOptions } from '../options.ts';
import type { Random } from '../random.ts';
import type { DeliveryRecord, SimulatorState } from '../state.ts';
import { retryDelayMs } from './backoff.ts';
import { postWebhook, webhookHeaders } from './deliver.ts';
import { toMetaJson } from './meta-json.ts';
import { buildPayload, itemNumberId, type WebhookItem } from './payload.ts';
import type { Scheduler } from './scheduler.ts';
import { type Target, webhookTarget } from './target.ts';

/** What the dispatcher works with. */
export interface DispatcherDeps {
  options: ResolvedOptions;
  state: SimulatorState;
  faults: Random;
  scheduler: Scheduler;
  agent: Dispatcher;
  log?: Logger;
}

const maxLoggedDeliveries = 10_000;

/** A due update, with its duplicate dice already cast (in call order, so seeded runs repeat). */
interface Ready {
  item: WebhookItem;
  duplicate: boolean;
}
interface Job {
  record: DeliveryRecord;
  body: string;
  target: Target;
  attempt: number;
  generation: number;
}

/**
 * Webhooks out of the simulator (meta-cloud-api.md §7.12–§7.16): updates become due after their
 * delay (optionally shuffled or delayed further), are batched per target when asked, serialised like Meta, signed with the
 * number's app secret and POSTed; anything but 200 is retried with backoff up to a bounded
 * number of attempts. Every POST and attempt lands in `state.deliveries`.
 */
export class WebhookDispatcher {
  private ready: Ready[] = [];
  private drainScheduled = false;
  private readonly batches = new Map<string, Ready[]>();
  private queue: Job[] = [];
  private active = 0;
  private generation = 0;
  private deliveryCount = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Reports `item` after `delayMs` (plus any injected delay); `onDue` runs when it is due. */
  enqueue(item: WebhookItem, delayMs: number, onDue?: () => void): void {
    const { extraDelayMs } = this.deps.options.faults;
    const extra = extraDelayMs > 0 ? this.deps.faults.int(extraDelayMs + 1) : 0;
    const duplicate = this.castDuplicate();
    this.deps.scheduler.later(delayMs + extra, () => this.due(item, duplicate, onDue));
  }

  /**
   * Reports related updates (the statuses of one send) at their delays, which never decrease.
   * With the `shuffle` fault they go out in a seeded random order instead — `read` before
   * `sent`, say — while keeping their own timestamps: out-of-order delivery, not out-of-order
   * events (§1.3).
   *
   * Each update's timer starts when the one before it falls due: Node runs timers of different
   * durations list by list, so a busy event loop could otherwise fire a message's `delivered`
   * before its `sent`. With `extraDelayMs` the updates are independent on purpose.
   */
  enqueueGroup(updates: { item: WebhookItem; delayMs: number; onDue?: () => void }[]): void {
    const order = this.deps.options.faults.shuffle && updates.length > 1 ? this.deps.faults.shuffle(updates) : updates;
    const delays = updates.map((u) => u.delayMs);
    if (this.deps.options.faults.extraDelayMs > 0) {
      order.forEach((update, i) => this.enqueue(update.item, delays[i] ?? update.delayMs, update.onDue));
      return;
    }
    // Dice are cast now, in call order, so that seeded runs repeat.
    const steps = order.map((update, i) => ({ ...update, delayMs: delays[i] ?? update.delayMs, duplicate: this.castDuplicate() }));
    const next = (first: number, elapsedMs: number): void => {
      const step = steps[first];
      if (!step) return;
      // Updates due at the same moment fall due in one timer, as they would have unchained.
      let end = first + 1;
      while (steps[end]?.delayMs === step.delayMs) end++;
      this.deps.scheduler.later(step.delayMs - elapsedMs, () => {
        for (const s of steps.slice(first, end)) this.due(s.item, s.duplicate, s.onDue);
        next(end, step.delayMs);
      });
    };
    next(0, 0);
  }

  /** Meta delivers at least once: a duplicate arrives whatever the first answer was (§1.3). */
  private castDuplicate(): boolean {
    const { duplicateRate } = this.deps.options.faults;
    return duplicateRate > 0 && this.deps.faults.next() < duplicateRate;
  }

  private due(item: WebhookItem, duplicate: boolean, onDue?: () => void): void {
    onDue?.();
    this.ready.push({ item, duplicate });
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    // Drained after every timer due in this turn has fired, so that simultaneous updates
    // can share a batch.
    this.deps.scheduler.soon(() => this.drain());
  }

  /** Drops everything not yet POSTed; POSTs in flight finish but are not retried. */
  cancel(): void {
    this.generation++;
    this.ready = [];
    this.drainScheduled = false;
    this.batches.clear();
    for (let i = 0; i < this.queue.length; i++) this.deps.scheduler.end();
    this.queue = [];
    this.deps.scheduler.cancelPending();
  }

  private drain(): void {
    this.drainScheduled = false;
    const { batchWindowMs } = this.deps.options;
    const items = this.ready;
    this.ready = [];
    for (const ready of items) {
      const target = webhookTarget(this.deps.state, this.deps.options.webhookUrl, ready.item);
      if (!target) this.recordUndeliverable(ready.item);
      else if (batchWindowMs <= 0) this.send(target, [ready]);
      else this.addToBatch(target, ready);
    }
  }

  private addToBatch(target: Target, item: Ready): void {
    const key = `${target.url}\n${target.secret}`;
    let batch = this.batches.get(key);
    if (!batch) {
      const created: Ready[] = [];
      batch = created;
      this.batches.set(key, created);
      this.deps.scheduler.later(this.deps.options.batchWindowMs, () => {
        if (this.batches.get(key) !== created) return;
        this.batches.delete(key);
        this.send(target, created);
      });
    }
    batch.push(item);
    if (batch.length >= this.deps.options.batchMaxItems) {
      this.batches.delete(key);
      this.send(target, batch);
    }
  }

  private send(target: Target, ready: Ready[]): void {
    const items = ready.map((r) => r.item);
    const payload = buildPayload(items);
    const body = toMetaJson(payload);
    const copies = ready.some((r) => r.duplicate) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const record = this.newRecord(target.url, items, payload, copy > 0);
      this.push({ record, body, target, attempt: 1, generation: this.generation });
    }
  }

  private push(job: Job): void {
    this.deps.scheduler.begin();
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.deps.options.deliveryConcurrency && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.active++;
      void this.attempt(job).finally(() => {
        this.active--;
        this.deps.scheduler.end();
        this.pump();
      });
    }
  }

  private async attempt(job: Job): Promise<void> {
    const { options, log } = this.deps;
    const headers = webhookHeaders(job.body, job.target.secret, options.faults.signature);
    const outcome = await postWebhook(this.deps.agent, job.target.url, job.body, headers, options.webhookTimeoutMs);
    job.record.attempts.push({ attempt: job.attempt, at: new Date(options.clock.now()).toISOString(), ...outcome });
    // A reset or close while the POST was in flight: no retry, no outcome.
    if (job.generation !== this.generation) return;
    if (outcome.statusCode === 200) {
      job.record.outcome = 'delivered';
    } else if (job.attempt < options.retry.maxAttempts) {
      const delay = retryDelayMs(job.attempt, options.retry.baseDelayMs, options.retry.maxDelayMs);
      log?.debug({ deliveryId: job.record.id, attempt: job.attempt, status: outcome.statusCode, retryInMs: delay }, 'webhook not accepted; retrying');
      this.deps.scheduler.later(delay, () => this.push({ ...job, attempt: job.attempt + 1 }));
    } else {
      job.record.outcome = 'failed';
      log?.warn({ deliveryId: job.record.id, url: job.target.url, attempts: job.attempt }, 'webhook delivery gave up');
    }
  }

  private recordUndeliverable(item: WebhookItem): void {
    const record = this.newRecord('', [item], buildPayload([item]), false);
    record.outcome = 'failed';
    record.attempts.push({ attempt: 1, at: new Date(this.deps.options.clock.now()).toISOString(), statusCode: null, error: 'no webhook URL configured', durationMs: 0 });
  }

  private newRecord(url: string, items: WebhookItem[], payload: unknown, duplicate: boolean): DeliveryRecord {
    const ids = [...new Set(items.map(itemNumberId).filter((id): id is string => id !== undefined))];
    const record: DeliveryRecord = { id: `dlv_${++this.deliveryCount}`, url, phoneNumberIds: ids, itemCount: items.length, duplicate, payload, outcome: 'pending', attempts: [] };
    const log = this.deps.state.deliveries;
    log.push(record);
    // The log is for inspection, not an archive: a long-running simulator keeps the latest.
    if (log.length > maxLoggedDeliveries) log.splice(0, log.length - maxLoggedDeliveries);
    return record;
  }
}
