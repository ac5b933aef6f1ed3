import { setTimeout as sleep } from 'node:timers/promises';
import type { BudgetSource } from './budget-source.ts';
import type { PairLimiter } from './pair-limiter.ts';

/** Why a send may not go to Meta now, and when to try again. */
export interface Refusal {
  ok: false;
  /** `throughput`: the number's rate (Meta's 130429); `pair`: this customer's (Meta's 131056). */
  limit: 'throughput' | 'pair';
  retryAfterMs: number;
}

/** Room for one send, granted at `grantedAt` (what `answered` is told once the send settles). */
export type Permit = { ok: true; grantedAt: number } | Refusal;

/** What one send asks of the governor. */
export interface SendRequest {
  phoneNumberId: string;
  /** The number's configured rate, in messages per second. */
  perSecond: number;
  /** The customer (wa_id or business-scoped user id); null for a request to no one (mark as read). */
  recipient: string | null;
  /** The longest the caller will wait for room before being refused. */
  maxWaitMs: number;
}

/** Told of what the governor decided, for the metrics (docs/metrics.md). */
export interface GovernorObserver {
  refused?(limit: Refusal['limit']): void;
  /** A send that was let through after waiting for room. */
  waited?(): void;
}

interface Waiter {
  deadline: number;
  resolve(permit: Permit): void;
  reject(err: unknown): void;
}

/** Sends granted to this process stay usable this long, so that no process hoards them. */
const LOCAL_GRANT_MS = 250;
/** A process takes at most this share of a second of the number's sends at once. */
const GRANT_SECONDS = 0.05;

/** The sends of one number waiting in this process, served in order. */
class NumberLane {
  inHand = 0;
  inHandAt = 0;
  inHandUntil = 0;
  perSecond = 0;
  readonly waiting: Waiter[] = [];
  serving = false;
}

/**
 * Every send to Meta goes through here first. Per number, sends wait in order for room in the
 * number's window (send-window.ts: a send counts from its grant until a second after its answer;
 * kept in this process's memory, or in one row shared by every process on PostgreSQL,
 * budget-source.ts); per customer, for the pair rate (pair-limiter.ts). A send that would wait longer
 * than its caller allows is refused at once, with the time after which it would have gone, so no
 * request reaches Meta only to be throttled there.
 */
export class SendGovernor {
  private readonly lanes = new Map<string, NumberLane>();

  constructor(
    private readonly budgets: BudgetSource,
    private readonly pairs: PairLimiter | null,
    private readonly now: () => number = Date.now,
    private readonly observer: GovernorObserver = {},
  ) {}

  /**
   * Sends through the governor: waits for room as `acquire` does, then runs `send` (the request to
   * Meta) and counts the send as answered when it settles, whatever the outcome.
   */
  async send<T>(request: SendRequest, send: () => Promise<T>): Promise<{ ok: true; value: T } | Refusal> {
    const permit = await this.acquire(request);
    if (!permit.ok) return permit;
    try {
      return { ok: true, value: await send() };
    } finally {
      this.answered(request.phoneNumberId, permit.grantedAt);
    }
  }

  /**
   * Room for one send of the number, or why not. Every permit granted must be followed by
   * `answered` once the send's answer came (or the send was not made): until then the send counts
   * as on its way (send-window.ts). `send` does both.
   */
  async acquire(request: SendRequest): Promise<Permit> {
    const started = this.now();
    const permit = await this.decide(request);
    if (!permit.ok) this.observer.refused?.(permit.limit);
    else if (this.now() > started) this.observer.waited?.();
    return permit;
  }

  private async decide(request: SendRequest): Promise<Permit> {
    const { phoneNumberId, recipient } = request;
    let maxWaitMs = request.maxWaitMs;
    if (this.pairs && recipient !== null) {
      const waitMs = this.pairs.reserve(phoneNumberId, recipient, this.now(), maxWaitMs);
      if (waitMs > maxWaitMs) return { ok: false, limit: 'pair', retryAfterMs: waitMs };
      if (waitMs > 0) await sleep(waitMs);
      maxWaitMs -= waitMs;
    }
    const permit = await this.throughput(phoneNumberId, request.perSecond, maxWaitMs);
    if (!permit.ok && this.pairs && recipient !== null) this.pairs.release(phoneNumberId, recipient);
    return permit;
  }

  /** The send of a permit granted at `grantedAt` has its answer from Meta, or was not made after all. */
  answered(phoneNumberId: string, grantedAt: number): void {
    this.budgets.answered(phoneNumberId, { grantedAt, answeredAt: this.now() });
  }

  /** Meta answered 130429 for this number: its rate drops for every process (rate-factor.ts). */
  async throttledByMeta(phoneNumberId: string): Promise<void> {
    const lane = this.lanes.get(phoneNumberId);
    if (lane) this.dropInHand(phoneNumberId, lane);
    await this.budgets.throttled(phoneNumberId, this.now());
  }

  /** Hands in what the budgets still hold (the shared window's answers), before the process stops. */
  async close(): Promise<void> {
    await this.budgets.flush?.();
  }

  /** Sends this process holds for the number right now (a hint for rate-limit headers). */
  inHand(phoneNumberId: string): number {
    const lane = this.lanes.get(phoneNumberId);
    return lane && this.now() < lane.inHandUntil ? lane.inHand : 0;
  }

  private throughput(phoneNumberId: string, perSecond: number, maxWaitMs: number): Promise<Permit> {
    let lane = this.lanes.get(phoneNumberId);
    if (!lane) {
      lane = new NumberLane();
      this.lanes.set(phoneNumberId, lane);
    }
    lane.perSecond = perSecond;
    const permit = new Promise<Permit>((resolve, reject) => lane.waiting.push({ deadline: this.now() + maxWaitMs, resolve, reject }));
    if (!lane.serving) void this.serve(phoneNumberId, lane);
    return permit;
  }

  /** Hands the lane's waiters their sends in order, taking grants from the budget as they run out. */
  private async serve(phoneNumberId: string, lane: NumberLane): Promise<void> {
    lane.serving = true;
    try {
      while (lane.waiting.length > 0) {
        const now = this.now();
        if (lane.inHand > 0 && now < lane.inHandUntil) {
          lane.inHand--;
          lane.waiting.shift()?.resolve({ ok: true, grantedAt: lane.inHandAt });
          continue;
        }
        // Grants that lapsed unused were never sent.
        this.dropInHand(phoneNumberId, lane);
        const want = Math.min(lane.waiting.length, Math.max(1, Math.ceil(lane.perSecond * GRANT_SECONDS)));
        let taken: { granted: number; waitMs: number };
        try {
          taken = await this.budgets.take(phoneNumberId, lane.perSecond, now, want);
        } catch (err) {
          // The shared budget cannot be read (a store outage): the sends waiting fail with the
          // store's error (answered 503), never sent unpaced.
          for (const waiter of lane.waiting.splice(0)) waiter.reject(err);
          break;
        }
        if (taken.granted > 0) {
          lane.inHand = taken.granted;
          lane.inHandAt = now;
          lane.inHandUntil = this.now() + LOCAL_GRANT_MS;
          continue;
        }
        this.refuseThoseThatCannotWait(lane, now, taken.waitMs);
        if (lane.waiting.length > 0) await sleep(taken.waitMs);
      }
    } finally {
      lane.serving = false;
    }
  }

  private dropInHand(phoneNumberId: string, lane: NumberLane): void {
    for (; lane.inHand > 0; lane.inHand--) this.answered(phoneNumberId, lane.inHandAt);
  }

  /**
   * Refuses, at once, each waiter whose turn would come after its deadline: the next send is
   * `waitMs` away and each one after it about one interval of the number's rate later.
   */
  private refuseThoseThatCannotWait(lane: NumberLane, now: number, waitMs: number): void {
    const interval = 1000 / Math.max(lane.perSecond, 1e-3);
    const kept: Waiter[] = [];
    lane.waiting.forEach((waiter) => {
      const turn = now + waitMs + kept.length * interval;
      if (turn <= waiter.deadline) kept.push(waiter);
      else waiter.resolve({ ok: false, limit: 'throughput', retryAfterMs: Math.ceil(turn - now) });
    });
    lane.waiting.splice(0, lane.waiting.length, ...kept);
  }
}
