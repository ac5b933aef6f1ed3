import { type Kysely, type Transaction, sql } from 'kysely';
import { forClaim } from '../db/dialect.ts';
import { leaseColumns, type LeaseRequest, renewedLeaseColumns } from '../db/lease.ts';
import type { DB, MediaRow } from '../db/schema.ts';
import { PRUNED_MEDIA_REASON } from './pruned.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface MediaClaimOptions extends LeaseRequest {
  /** Downloads of one project leased at once, across all workers (MEDIA_DOWNLOADS_PER_PROJECT). */
  perProject: number;
}

/**
 * Claims up to `limit` due downloads under a lease (style.md rule 12), shared fairly between
 * projects: each project's due rows are ranked oldest first (`turn`), the claim takes turn 1 of
 * every project before turn 2 of any, and never takes a project past `perProject` downloads
 * leased at once (its live leases, `held`, counted through the `media_leased` partial index).
 * So one project's thousands of queued files, or its slow links, hold at most `perProject`
 * slots, and another project's file is claimed at the next free slot. Ranking reads every due
 * row (the `media_due` index range), which a backlog of thousands costs milliseconds of.
 *
 * Claiming counts the attempt and moves `next_attempt_at` to the end of the lease, so a leased
 * row leaves the due range and a dead worker's row comes back into it by itself when the lease
 * runs out. PostgreSQL workers skip each other's locked rows; the due condition is checked
 * again on the row updated, so no download is claimed twice. Two workers claiming at the same
 * instant count the same leases, so a project may briefly hold up to one claim more than its cap.
 *
 * The rows are locked in a MATERIALIZED CTE, evaluated once. As an `IN (subquery)`, PostgreSQL
 * may plan a nested-loop semi join that re-runs the `LIMIT … FOR UPDATE SKIP LOCKED` subquery
 * for every outer row; each run then skips the rows this statement already updated and returns
 * the next ones, so the claim takes every due row whatever the limit (seen on a small table:
 * LIMIT 3 claimed 6). The window function sits a level below the lock, where PostgreSQL allows it.
 */
export function claimDueMediaQuery(db: Db, o: MediaClaimOptions) {
  return db
    .with('leased', (qc) =>
      qc
        .selectFrom('media as l')
        .select((eb) => ['l.project_id', eb.fn.countAll<number>().as('held')])
        .where('l.locked_by', 'is not', null)
        .where('l.locked_until', '>', o.now)
        .groupBy('l.project_id'),
    )
    .with('ranked', (qc) =>
      qc
        .selectFrom('media as m')
        .leftJoin('leased', 'leased.project_id', 'm.project_id')
        .select((eb) => [
          'm.id',
          'm.next_attempt_at',
          eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('m.project_id').orderBy('m.next_attempt_at').orderBy('m.id')).as('turn'),
          eb.fn.coalesce('leased.held', sql.lit(0)).as('held'),
        ])
        .where('m.state', '=', sql.lit('pending'))
        .where('m.next_attempt_at', '<=', o.now),
    )
    .with(
      (cte) => cte('due').materialized(),
      (qc) =>
        forClaim(
          db,
          qc
            .selectFrom('media as c')
            .select('c.id')
            .where('c.id', 'in', (eb) =>
              eb
                .selectFrom('ranked')
                .select('ranked.id')
                .where((w) => w(w('ranked.turn', '+', w.ref('ranked.held')), '<=', o.perProject))
                .orderBy('ranked.turn')
                .orderBy('ranked.next_attempt_at')
                .orderBy('ranked.id')
                .limit(o.limit),
            ),
        ),
    )
    .updateTable('media')
    .set((eb) => ({ ...leaseColumns(o), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where('state', '=', sql.lit('pending'))
    .where('next_attempt_at', '<=', o.now)
    .returningAll();
}

/** Runs claimDueMediaQuery. */
export async function claimDueMedia(db: Db, o: MediaClaimOptions): Promise<MediaRow[]> {
  return claimDueMediaQuery(db, o).execute();
}

/**
 * Extends this worker's leases of downloads still in flight (a 100 MB file may take longer than
 * one lease), so no other worker claims them meanwhile.
 */
export async function extendMediaLeases(db: Db, ids: readonly string[], workerId: string, until: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('media')
    .set(renewedLeaseColumns(until))
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .where('state', '=', sql.lit('pending'))
    .execute();
}

/**
 * Puts failed downloads back in the queue, due at `now` (`switchboard media retry`): those that
 * failed at or after `sinceMs`, of one project or of all. Attempts and the last failure reason
 * are kept. Returns how many were queued again.
 */
export async function requeueFailedMedia(db: Db, o: { sinceMs: number; projectId?: string | undefined; now: number }): Promise<number> {
  const result = await db
    .updateTable('media')
    .set({ state: 'pending', next_attempt_at: o.now, locked_by: null, locked_until: null, updated_at: o.now })
    .where('state', '=', sql.lit('failed'))
    // A pruned file was deleted on purpose: there is nothing to fetch again.
    .where((eb) => eb.or([eb('failure_reason', 'is', null), eb('failure_reason', '!=', PRUNED_MEDIA_REASON)]))
    .where('updated_at', '>=', o.sinceMs)
    .$if(o.projectId !== undefined, (qb) => qb.where('project_id', '=', o.projectId as string))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
