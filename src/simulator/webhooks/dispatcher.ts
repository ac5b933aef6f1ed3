import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { signPayload } from '../../ingest/signature.ts';
import type { ResolvedOptions } from '../options.ts';
import type { Random } from '../random.ts';
import type { DeliveryRecord, SimNumber, SimulatorState } from '../state.ts';
import { retryDelayMs } from './backoff.ts';
import { postWebhook } from './deliver.ts';
import { toMetaJson } from './meta-json.ts';
import { buildPayload, itemNumberId, type WebhookItem } from './payload.ts';
import type { Scheduler } from './scheduler.ts';

/** What the dispatcher works with. */
export interface DispatcherDeps {
  options: ResolvedOptions;
  state: SimulatorState;
  faults: Random;
  scheduler: Scheduler;
  agent: Dispatcher;
  log?: Logger;
}

interface Target {
  url: string;
  secret: string;
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
 * delay, are optionally shuffled and batched per target, serialised like Meta, signed with the
 * number's app secret and POSTed; anything but 200 is retried with backoff up to a bounded
 * number of attempts. Every POST and attempt lands in `state.deliveries`.
 */
export class WebhookDispatcher {
  private ready: WebhookItem[] = [];
  private drainScheduled = false;
  private readonly batches = new Map<string, WebhookItem[]>();
  private queue: Job[] = [];
  private active = 0;
  private generation = 0;
  private deliveryCount = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Reports `item` after `delayMs` (plus any injected delay); `onDue` runs when it is due. */
  enqueue(item: WebhookItem, delayMs: number, onDue?: () => void): void {
    const { extraDelayMs } = this.deps.options.faults;
    const extra = extraDelayMs > 0 ? this.deps.faults.int(extraDelayMs + 1) : 0;
    this.deps.scheduler.later(delayMs + extra, () => {
      onDue?.();
      this.ready.push(item);
      if (this.drainScheduled) return;
      this.drainScheduled = true;
      // Drained after every timer due in this turn has fired, so that simultaneous updates can
      // be shuffled or batched together.
      this.deps.scheduler.soon(() => this.drain());
    });
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
    const { faults, batchWindowMs } = this.deps.options;
    const items = faults.shuffle ? this.deps.faults.shuffle(this.ready) : this.ready;
    this.ready = [];
    for (const item of items) {
      const target = this.targetOf(item);
      if (!target) this.recordUndeliverable(item);
      else if (batchWindowMs <= 0) this.send(target, [item]);
      else this.addToBatch(target, item);
    }
  }

  private addToBatch(target: Target, item: WebhookItem): void {
    const key = `${target.url}\n${target.secret}`;
    let batch = this.batches.get(key);
    if (!batch) {
      const created: WebhookItem[] = [];
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

  private send(target: Target, items: WebhookItem[]): void {
    const payload = buildPayload(items);
    const body = toMetaJson(payload);
    const { duplicateRate } = this.deps.options.faults;
    // Meta delivers at least once: a duplicate arrives whatever the first answer was (§1.3).
    const copies = duplicateRate > 0 && this.deps.faults.next() < duplicateRate ? 2 : 1;
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
    const { options, state, log } = this.deps;
    const outcome = await postWebhook(this.deps.agent, job.target.url, job.body, this.headersFor(job), options.webhookTimeoutMs);
    job.record.attempts.push({ attempt: job.attempt, at: new Date(options.clock.now()).toISOString(), ...outcome });
    if (job.generation !== this.generation || !state.deliveries.includes(job.record)) return;
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

  private headersFor(job: Job): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
    const mode = this.deps.options.faults.signature;
    if (mode === 'valid') headers['x-hub-signature-256'] = signPayload(job.body, job.target.secret);
    if (mode === 'invalid') headers['x-hub-signature-256'] = signPayload(job.body, `${job.target.secret}-wrong`);
    return headers;
  }

  /** The number's own URL, else the simulator's; template events use a number of the WABA. */
  private targetOf(item: WebhookItem): Target | undefined {
    const number = this.numberOf(item);
    const url = number?.webhookUrl ?? this.deps.options.webhookUrl;
    return number && url ? { url, secret: number.appSecret } : undefined;
  }

  private numberOf(item: WebhookItem): SimNumber | undefined {
    const numbers = this.deps.state.numbers;
    if (item.kind !== 'template') return numbers.get(item.number.phoneNumberId) ?? item.number;
    return [...numbers.values()].find((n) => n.wabaId === item.wabaId);
  }

  private recordUndeliverable(item: WebhookItem): void {
    const record = this.newRecord('', [item], buildPayload([item]), false);
    record.outcome = 'failed';
    record.attempts.push({ attempt: 1, at: new Date(this.deps.options.clock.now()).toISOString(), statusCode: null, error: 'no webhook URL configured', durationMs: 0 });
  }

  private newRecord(url: string, items: WebhookItem[], payload: unknown, duplicate: boolean): DeliveryRecord {
    const ids = [...new Set(items.map(itemNumberId).filter((id): id is string => id !== undefined))];
    const record: DeliveryRecord = { id: `dlv_${++this.deliveryCount}`, url, phoneNumberIds: ids, itemCount: items.length, duplicate, payload, outcome: 'pending', attempts: [] };
    this.deps.state.deliveries.push(record);
    return record;
  }
}
