import type { Kysely, Transaction } from 'kysely';
import { forClaimInOrder } from '../db/dialect.ts';
import type { DB } from '../db/schema.ts';
import type { BudgetSource } from './budget-source.ts';
import { freshBudget, lowerAfterThrottle, type SendBudget, takeFromBudget } from './send-budget.ts';

/**
 * The numbers' send budgets in the database, one row per number, shared by every process that
 * sends (several `serve` and `worker` processes on PostgreSQL): each takes its grants from the
 * row under its lock, so together they never hand Meta more than the number's rate. A process
 * takes at most what its waiting sends need and the bucket holds (a fiftieth of a second of the
 * rate, send-budget.ts), so a busy number costs each sending process some 50–80 short
 * transactions a second. The clock is the
 * wall clock, which the processes share (on several machines: keep them in sync with NTP).
 */
export function sharedBudgetSource(db: Kysely<DB>): BudgetSource {
  return {
    take: (id, perSecond, now, want) =>
      db.transaction().execute(async (trx) => {
        const t = takeFromBudget(await lockedBudget(trx, id, perSecond, now), perSecond, now, want);
        await saveBudget(trx, id, t.budget);
        return { granted: t.granted, waitMs: t.waitMs };
      }),
    throttled: (id, perSecond, now) =>
      db.transaction().execute(async (trx) => {
        await saveBudget(trx, id, lowerAfterThrottle(await lockedBudget(trx, id, perSecond, now), now));
      }),
    // A bucket counts a send when it is granted (send-budget.ts): its answer changes nothing.
    answered: () => undefined,
  };
}

/** The number's budget, its row locked until the transaction ends (created full when missing). */
async function lockedBudget(trx: Transaction<DB>, id: string, perSecond: number, now: number): Promise<SendBudget> {
  const select = () => forClaimInOrder(trx, trx.selectFrom('send_budgets').selectAll().where('phone_number_id', '=', id)).executeTakeFirst();
  let row = await select();
  if (!row) {
    const fresh = freshBudget(perSecond, now);
    // Another process may create it meanwhile: then its row is the one locked below.
    await trx
      .insertInto('send_budgets')
      .values({ phone_number_id: id, tokens: fresh.tokens, refilled_at: fresh.refilledAt, factor: fresh.factor, factor_at: fresh.factorAt })
      .onConflict((oc) => oc.column('phone_number_id').doNothing())
      .execute();
    row = await select();
    if (!row) throw new Error(`no send budget for ${id}`);
  }
  return { tokens: Number(row.tokens), refilledAt: Number(row.refilled_at), factor: Number(row.factor), factorAt: Number(row.factor_at) };
}

async function saveBudget(trx: Transaction<DB>, id: string, b: SendBudget): Promise<void> {
  await trx.updateTable('send_budgets').set({ tokens: b.tokens, refilled_at: b.refilledAt, factor: b.factor, factor_at: b.factorAt }).where('phone_number_id', '=', id).execute();
}
