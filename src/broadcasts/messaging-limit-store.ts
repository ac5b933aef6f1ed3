import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { MESSAGING_LIMIT_WINDOW_MS } from '../tenants/messaging-limit.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** How much of a number's messaging limit is left now (docs/sending.md "Messaging limits"). */
export interface MessagingLimitRoom {
  /** Unique recipients per 24 h the number is held to (Infinity: unlimited). */
  limit: number;
  /** Unique customers reached outside a customer-service window in the last 24 h (0 when unlimited: not counted). */
  used: number;
  /** New customers that may be sent to now: `limit - used`, never below 0. */
  room: number;
  /** Epoch ms when the first counted customer leaves the window (one more may be sent to), or null when none is counted. */
  nextFreeAt: number | null;
}

/**
 * The number's broadcast sends of the moving 24 h that count against its messaging limit (Meta
 * counts unique customers reached outside a customer-service window, meta-cloud-api.md §5.4): a
 * send counts unless the customer had written to the number in the 24 h before it. One row per
 * customer with their latest counted send. Reads `broadcast_recipients_number_sent` by time and
 * probes the customer's conversations (`conversations_number_customer`) once per send.
 */
function countedCustomers(db: Db, phoneNumberId: string, now: number) {
  const day = MESSAGING_LIMIT_WINDOW_MS;
  return db
    .selectFrom('broadcast_recipients as r')
    .select((eb) => ['r.phone_number', eb.fn.max('r.sent_at').as('last_sent_at')])
    .where('r.phone_number_id', '=', phoneNumberId)
    .where('r.sent_at', 'is not', null)
    .where('r.sent_at', '>', now - day)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          // The customer's conversations on the number (`conversations_number_customer`) keep
          // when they last wrote, in ms: a customer who wrote after the send as well as before
          // it is counted (a stricter count, without an index on every inbound message).
          selectFrom('conversations as cv')
            .select(sql.lit(1).as('one'))
            .whereRef('cv.phone_number_id', '=', 'r.phone_number_id')
            .whereRef('cv.wa_id', '=', 'r.phone_number')
            .where('cv.last_inbound_at', '>=', sql<number>`r.sent_at - ${day}`)
            .where('cv.last_inbound_at', '<=', sql<number>`r.sent_at`),
        ),
      ),
    )
    .groupBy('r.phone_number');
}

/** How many customers count now, and the latest counted send of the one counted longest ago. */
export function messagingLimitUsageQuery(db: Db, phoneNumberId: string, now: number) {
  return db.selectFrom(countedCustomers(db, phoneNumberId, now).as('c')).select((eb) => [eb.fn.countAll().as('used'), eb.fn.min('c.last_sent_at').as('oldest')]);
}

/**
 * The room left under a number's messaging limit at `now` (epoch ms): `limit` comes from
 * messagingLimitOf (tenants/messaging-limit.ts). Only broadcast sends are counted (API sends are the
 * caller's own; Meta refuses those beyond the limit itself). An unlimited number is not counted.
 */
export async function messagingLimitRoom(db: Db, phoneNumberId: string, limit: number, now: number): Promise<MessagingLimitRoom> {
  if (limit === Infinity) return { limit, used: 0, room: Infinity, nextFreeAt: null };
  const row = await messagingLimitUsageQuery(db, phoneNumberId, now).executeTakeFirst();
  const used = Number(row?.used ?? 0);
  const oldest = row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
  return { limit, used, room: Math.max(0, limit - used), nextFreeAt: oldest === null ? null : oldest + MESSAGING_LIMIT_WINDOW_MS };
}

/**
 * Of `phones` (customer numbers, digits), those a send from the number at `now` takes no room
 * for: already counted in the last 24 h (Meta counts each customer once), or whose
 * customer-service window is open (they wrote in the last 24 h). Each by index seek.
 */
export async function customersTakingNoRoom(db: Db, phoneNumberId: string, phones: readonly string[], now: number): Promise<Set<string>> {
  if (phones.length === 0) return new Set();
  const day = MESSAGING_LIMIT_WINDOW_MS;
  const counted = await countedCustomers(db, phoneNumberId, now).where('r.phone_number', 'in', phones).execute();
  const writing = await db
    .selectFrom('conversations')
    .select('wa_id as from_id')
    .distinct()
    .where('phone_number_id', '=', phoneNumberId)
    .where('wa_id', 'in', phones)
    .where('last_inbound_at', '>=', now - day)
    .execute();
  return new Set([...counted.map((c) => c.phone_number), ...writing.flatMap((w) => (w.from_id === null ? [] : [w.from_id]))]);
}
