import type { Kysely, Transaction } from 'kysely';
import { forClaimInOrder } from '../db/dialect.ts';
import type { DB } from '../db/schema.ts';
import type { BudgetSource } from './budget-source.ts';
import { type Answer, answeredInWindow, forgetSendsLostOnTheirWay, freshWindow, lowerWindowAfterThrottle, type SendWindow, takeFromWindow, WINDOW_MS } from './send-window.ts';

/** How long a process keeps its sends' answers before writing them to the number's row on its own. */
const ANSWERS_FLUSH_MS = 20;

/**
 * The numbers' send windows in the database, one row per number, shared by every process that
 * sends (several `serve` and `worker` processes on PostgreSQL): each takes its grants from the row
 * under its lock, so together they never hand Meta more than the number's rate (send-window.ts).
 * A process takes at most what its waiting sends need, and hands in its sends' answers with its
 * next take (or within ANSWERS_FLUSH_MS), so a busy number costs each sending process some 50–80
 * short transactions a second. A send on its way from a process that stopped without answering
 * (kill -9) counts until `lostAfterMs` after its grant: longer than any send can take
 * (META_TIMEOUT_MS). The clock is the wall clock, which the processes share (on several
 * machines: keep them in sync with NTP).
 */
export function sharedBudgetSource(db: Kysely<DB>, opts: { lostAfterMs: number }): BudgetSource {
  const held = new Map<string, Answer[]>();
  let flushing: NodeJS.Timeout | null = null;

  /** Runs `change` on the number's window under its lock, handing in the answers held for it. */
  const withWindow = <T>(id: string, now: number, change: (w: SendWindow) => { window: SendWindow; result: T }): Promise<T> => {
    const answers = held.get(id) ?? [];
    held.delete(id);
    return db
      .transaction()
      .execute(async (trx) => {
        const stored = await lockedWindow(trx, id, now);
        const w = forgetSendsLostOnTheirWay(answeredInWindow(stored, answers), now, opts.lostAfterMs);
        const { window, result } = change(w);
        await saveWindow(trx, id, window, now);
        return result;
      })
      .catch((err: unknown) => {
        // Not written: kept for the next transaction on the number.
        held.set(id, [...answers, ...(held.get(id) ?? [])]);
        throw err;
      });
  };

  const flush = async (): Promise<void> => {
    if (flushing) clearTimeout(flushing);
    flushing = null;
    const now = Date.now();
    const ids = [...held.keys()];
    const failed = (await Promise.allSettled(ids.map((id) => withWindow(id, now, (w) => ({ window: w, result: undefined }))))).some((r) => r.status === 'rejected');
    // A store outage: try again later; until then the sends count as on their way, never less.
    if (failed && !flushing) flushing = setTimeout(() => void flush(), ANSWERS_FLUSH_MS * 50).unref();
  };

  return {
    take: (id, perSecond, now, want) =>
      withWindow(id, now, (w) => {
        const t = takeFromWindow(w, perSecond, now, want);
        return { window: t.window, result: { granted: t.granted, waitMs: t.waitMs } };
      }),
    throttled: (id, now) => withWindow(id, now, (w) => ({ window: lowerWindowAfterThrottle(w, now), result: undefined })),
    answered(id, answer) {
      const answers = held.get(id);
      if (answers) answers.push(answer);
      else held.set(id, [answer]);
      if (!flushing) flushing = setTimeout(() => void flush(), ANSWERS_FLUSH_MS).unref();
    },
    flush,
  };
}

/** The number's window, its row locked until the transaction ends (created fresh when missing). */
async function lockedWindow(trx: Transaction<DB>, id: string, now: number): Promise<SendWindow> {
  const select = () => forClaimInOrder(trx, trx.selectFrom('send_budgets').selectAll().where('phone_number_id', '=', id)).executeTakeFirst();
  let row = await select();
  if (!row) {
    // Another process may create it meanwhile: then its row is the one locked below.
    await trx
      .insertInto('send_budgets')
      .values({ phone_number_id: id, ...columnsOf(freshWindow(now), now) })
      .onConflict((oc) => oc.column('phone_number_id').doNothing())
      .execute();
    row = await select();
    if (!row) throw new Error(`no send budget for ${id}`);
  }
  return {
    answered: JSON.parse(row.answered) as number[],
    onTheirWay: JSON.parse(row.on_their_way) as number[],
    tokens: Number(row.tokens),
    refilledAt: Number(row.refilled_at),
    factor: Number(row.factor),
    factorAt: Number(row.factor_at),
  };
}

function columnsOf(w: SendWindow, now: number) {
  // Answers older than the window never count again: not stored.
  const answered = w.answered.filter((t) => t > now - WINDOW_MS);
  return { tokens: w.tokens, refilled_at: w.refilledAt, factor: w.factor, factor_at: w.factorAt, answered: JSON.stringify(answered), on_their_way: JSON.stringify(w.onTheirWay) };
}

async function saveWindow(trx: Transaction<DB>, id: string, w: SendWindow, now: number): Promise<void> {
  await trx.updateTable('send_budgets').set(columnsOf(w, now)).where('phone_number_id', '=', id).execute();
}
