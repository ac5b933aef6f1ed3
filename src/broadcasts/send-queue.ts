import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import { readJson } from '../db/json.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import type { JobQueue, LeaseRequest, Prepared } from '../jobs/job-queue.ts';
import { sendRateOf } from '../proxy/send.ts';
import { messagingLimitOf } from '../tenants/messaging-limit.ts';
import { findPhoneNumbersByIds } from '../tenants/store.ts';
import { announceBroadcasts } from './broadcast-event.ts';
import { claimDueRecipients, releaseClaimedRecipients } from './claim-store.ts';
import { messagingLimitRoom } from './messaging-limit-store.ts';
import { resolveLostSends } from './lost-sends.ts';
import { type RecipientSend, type SendResult, sendRecipient } from './send-recipient.ts';
import { SendRecorder } from './send-recorder.ts';
import { completeFinishedBroadcasts, findSendingBroadcasts, markLostSends, renewRecipientLeases } from './send-store.ts';
import { startDueScheduledBroadcasts } from './store.ts';
import type { StoredTemplate } from './template.ts';

export type SendQueueDeps = Pick<Deps, 'database' | 'clock' | 'cipher' | 'graph' | 'config' | 'outboxBell' | 'mediaBell' | 'governor' | 'log' | 'metrics'>;

/** How often the sending broadcasts are read again (a stop takes effect within this). */
const REFRESH_MS = 200;
/** How often scheduled starts, lost sends and completions are looked for. */
const SWEEP_MS = 1_000;
/** Seconds of a number's rate claimed at once: enough to keep its governor lane busy, not to hoard. */
const CLAIM_SECONDS = 2;

interface Sending {
  projectId: string;
  phoneNumberId: string;
  template: StoredTemplate;
}

/**
 * Broadcast recipients as a JobRunner queue (docs/broadcasts.md "The worker"): before each claim
 * it keeps the set of `sending` broadcasts fresh and, every second, starts scheduled broadcasts
 * whose time came (T3), marks sends lost by a dead worker, resolves lost sends from the status
 * webhooks that name them, and completes broadcasts with nothing pending (T8). A claim takes due
 * recipients number by number, at most a couple of seconds of each number's rate; a job sends
 * one recipient through the governor; outcomes are recorded in group commits.
 */
export class BroadcastSendQueue implements JobQueue<RecipientSend, SendResult> {
  readonly name = 'broadcast worker';
  private readonly recorder: SendRecorder;
  private sending = new Map<string, Sending>();
  private numbers = new Map<string, PhoneNumberRow>();
  private refreshedAt = -Infinity;
  private sweptAt = -Infinity;
  private turn = 0;
  /** Recipients of each number claimed by this worker and not yet recorded: not counted as sent yet. */
  private readonly inFlightOf = new Map<string, number>();
  /** When each number's "waiting for the messaging limit" was last logged. */
  private readonly limitLoggedAt = new Map<string, number>();

  constructor(
    private readonly deps: SendQueueDeps,
    private readonly log: Logger,
    private readonly workerId: string,
  ) {
    this.recorder = new SendRecorder(deps, log);
  }

  async prepare(): Promise<Prepared> {
    const t = performance.now();
    let madeDue = false;
    if (t - this.sweptAt >= SWEEP_MS) {
      this.sweptAt = t;
      madeDue = await this.sweep();
    }
    if (t - this.refreshedAt >= REFRESH_MS) await this.refresh();
    return { took: 0, full: false, madeDue };
  }

  async prepareAll(): Promise<void> {
    this.sweptAt = performance.now();
    await this.sweep();
  }

  async claim(lease: LeaseRequest): Promise<RecipientSend[]> {
    const numbers = [...new Set([...this.sending.values()].map((s) => s.phoneNumberId))].filter((id) => this.numbers.has(id));
    if (numbers.length === 0) return [];
    const jobs: RecipientSend[] = [];
    const share = Math.max(1, Math.ceil(lease.limit / numbers.length));
    // Numbers take turns at going first, so one busy number cannot starve the others.
    this.turn = (this.turn + 1) % numbers.length;
    for (let k = 0; k < numbers.length && jobs.length < lease.limit; k++) {
      const number = this.numbers.get(numbers[(this.turn + k) % numbers.length] as string) as PhoneNumberRow;
      const room = await this.messagingRoom(number, lease.now);
      const limit = Math.min(share, lease.limit - jobs.length, Math.max(1, Math.ceil(sendRateOf(this.deps, number) * CLAIM_SECONDS)), room);
      if (limit <= 0) continue;
      const rows = await claimDueRecipients(this.deps.database.db, { ...lease, phoneNumberId: number.id, limit });
      // A broadcast that started after the last refresh: read the sending ones again.
      if (rows.some((r) => !this.sending.has(r.broadcast_id))) await this.refresh();
      const handedBack: string[] = [];
      for (const recipient of rows) {
        const broadcast = this.sending.get(recipient.broadcast_id);
        if (broadcast) jobs.push({ recipient, broadcastId: recipient.broadcast_id, projectId: broadcast.projectId, template: broadcast.template, number });
        else handedBack.push(recipient.id);
      }
      // Stopped between the claim and the refresh: handed back untouched, never sent.
      await releaseClaimedRecipients(this.deps.database.db, this.workerId, handedBack, this.deps.clock.now());
      this.inFlightOf.set(number.id, (this.inFlightOf.get(number.id) ?? 0) + rows.length - handedBack.length);
    }
    return jobs;
  }

  keyOf(job: RecipientSend): string {
    return job.recipient.id;
  }

  run(job: RecipientSend): Promise<SendResult> {
    return sendRecipient(this.deps, job, () => this.sending.has(job.broadcastId));
  }

  /** A handler that threw after it may have called Meta: an unknown outcome, never a blind resend. */
  crashed(_job: RecipientSend, err: unknown): SendResult {
    return { outcome: { kind: 'unknown', detail: err instanceof Error ? err.message : String(err) } };
  }

  async record(job: RecipientSend, result: SendResult): Promise<void> {
    const { outcome } = result;
    this.deps.metrics.broadcastSends.inc({ outcome: outcome.kind });
    if (outcome.kind === 'failed') this.log.info({ recipient: job.recipient.id, broadcastId: job.broadcastId, code: outcome.errorCode }, 'broadcast recipient failed');
    else if (outcome.kind === 'unknown') this.log.warn({ recipient: job.recipient.id, broadcastId: job.broadcastId, detail: outcome.detail }, 'broadcast send outcome unknown: waiting for Meta’s status webhooks before any resend');
    try {
      await this.recorder.record(job, result);
    } finally {
      // Only now is a sent recipient counted by messagingLimitRoom: until then it is in flight.
      this.inFlightOf.set(job.number.id, Math.max(0, (this.inFlightOf.get(job.number.id) ?? 1) - 1));
    }
  }

  renew(keys: readonly string[], until: number): Promise<void> {
    return renewRecipientLeases(this.deps.database.db, this.workerId, keys, until);
  }

  /**
   * How many new recipients the number may be sent now under its messaging limit (docs/sending.md
   * "Messaging limits"), less this worker's sends in flight; every claimed recipient is taken for
   * a new customer. At 0 its recipients wait, due, until a counted customer leaves the 24 h.
   */
  private async messagingRoom(number: PhoneNumberRow, now: number): Promise<number> {
    const limit = messagingLimitOf(number, this.deps.config.sending.defaultMessagingLimit);
    if (limit === Infinity) return Infinity;
    // Read before the count: a send recorded while the count runs may be missing from the count's
    // snapshot, and must then still be taken as in flight (read after, it would be in neither).
    const inFlight = this.inFlightOf.get(number.id) ?? 0;
    const room = await messagingLimitRoom(this.deps.database.db, number.id, limit, now);
    const left = room.room - inFlight;
    if (left <= 0 && now - (this.limitLoggedAt.get(number.id) ?? -Infinity) >= 60_000) {
      this.limitLoggedAt.set(number.id, now);
      const until = room.nextFreeAt === null ? null : new Date(room.nextFreeAt).toISOString();
      this.log.warn({ phoneNumberId: number.id, limit, used: room.used, until }, 'broadcast recipients wait: the number reached its messaging limit (unique customers per 24 h)');
    }
    return left;
  }

  /** Reads the sending broadcasts and their numbers again. */
  private async refresh(): Promise<void> {
    this.refreshedAt = performance.now();
    const rows = await findSendingBroadcasts(this.deps.database.db);
    const sending = new Map<string, Sending>();
    for (const row of rows) {
      const known = this.sending.get(row.id);
      sending.set(row.id, known ?? { projectId: row.project_id, phoneNumberId: row.phone_number_id, template: readJson<StoredTemplate>(row.template) });
    }
    this.sending = sending;
    const ids = [...new Set(rows.map((r) => r.phone_number_id))];
    // A removed number sends nothing: its broadcasts wait (and the sweep fails them).
    this.numbers = new Map((await findPhoneNumbersByIds(this.deps.database.db, ids)).filter((n) => n.removed_at === null).map((n) => [n.id, n]));
  }

  /** Scheduled starts, lost sends, completions. Returns whether it made recipients due. */
  private async sweep(): Promise<boolean> {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const started = await db.transaction().execute(async (trx) => {
      const rows = await startDueScheduledBroadcasts(trx, now);
      await announceBroadcasts(trx, rows, now);
      return rows;
    });
    for (const b of started) this.log.info({ broadcastId: b.id }, 'scheduled broadcast started');
    const lost = await markLostSends(db, [...new Set([...this.sending.values()].map((s) => s.phoneNumberId))], now);
    if (lost > 0) this.log.warn({ recipients: lost }, 'broadcast sends lost by a worker that stopped: resolved from status webhooks before any resend');
    const resolved = await resolveLostSends(this.deps, this.log, now);
    const completed = await db.transaction().execute(async (trx) => {
      const rows = await completeFinishedBroadcasts(trx, now);
      await announceBroadcasts(trx, rows, now);
      return rows;
    });
    if (started.length > 0 || completed.length > 0) this.deps.outboxBell.ring();
    for (const b of completed) this.log.info({ broadcastId: b.id, sent: b.sent_count, failed: b.failed_count }, 'broadcast completed');
    if (started.length > 0 || completed.length > 0) this.refreshedAt = -Infinity;
    return started.length > 0 || resolved.released > 0;
  }
}
