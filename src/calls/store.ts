import type { Kysely, Transaction } from 'kysely';
import type { CallRow, DB } from '../db/schema.ts';
import { timeOrderedUuid } from '../db/time-ordered-id.ts';
import type { KeysetWindow } from '../http/list-page.ts';
import type { CallEvent } from './call-event.ts';
import { type CallDirection, type CallStatus, statusesBefore } from './call-status.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Applies call events to the log, each exactly once in effect: the first event of a call creates
 * its row (unique per number and call id, so a repeated webhook finds it there), and a later one
 * moves it forward only (call-status.ts), filling in what it adds (end, duration, answer time).
 * Two statements per event, each atomic on both dialects, so concurrent deliveries of one
 * webhook leave one row in the furthest state either of them reports.
 */
export async function recordCallEvents(db: Db, items: ReadonlyArray<{ event: CallEvent; now: number }>): Promise<void> {
  // In call order (stable, so one call's events keep theirs): two batches sharing calls then lock
  // their rows in the same order on PostgreSQL and never deadlock.
  const ordered = [...items].sort((a, b) => compare(callKeyOf(a.event), callKeyOf(b.event)));
  for (const { event, now } of ordered) await recordCallEvent(db, event, now);
}

function callKeyOf(event: CallEvent): string {
  return `${event.phoneNumberId}\n${event.callId}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function recordCallEvent(db: Db, event: CallEvent, now: number): Promise<void> {
  const customer = event.userWaId === null ? undefined : await findCustomer(db, event.phoneNumberId, event.userWaId);
  await db
    .insertInto('calls')
    .values({
      id: timeOrderedUuid(now),
      phone_number_id: event.phoneNumberId,
      call_id: event.callId,
      direction: event.direction,
      status: event.status,
      user_wa_id: event.userWaId,
      whatsapp_contact_id: customer?.id ?? null,
      whatsapp_conversation_id: customer?.current_conversation_id ?? null,
      duration_seconds: event.durationSeconds,
      biz_opaque_callback_data: event.bizOpaqueCallbackData,
      started_at: event.startedAtMs ?? event.atMs,
      session_started_at: event.sessionStartedAtMs,
      ended_at: event.endedAtMs,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['phone_number_id', 'call_id']).doNothing())
    .execute();
  await advanceCall(db, event, now, customer);
}

/** Moves an existing call forward to the event's status; a call already there or past it is left alone. */
async function advanceCall(db: Db, event: CallEvent, now: number, customer: Customer | undefined): Promise<void> {
  const behind = statusesBefore(event.status);
  if (behind.length === 0) return;
  await db
    .updateTable('calls')
    .set((eb) => ({
      status: event.status,
      updated_at: now,
      ...(event.sessionStartedAtMs !== null ? { session_started_at: eb.fn.coalesce('session_started_at', eb.val(event.sessionStartedAtMs)) } : {}),
      ...(event.endedAtMs !== null ? { ended_at: event.endedAtMs } : {}),
      ...(event.durationSeconds !== null ? { duration_seconds: event.durationSeconds } : {}),
      ...(event.userWaId !== null ? { user_wa_id: eb.fn.coalesce('user_wa_id', eb.val(event.userWaId)) } : {}),
      ...(customer ? { whatsapp_contact_id: eb.fn.coalesce('whatsapp_contact_id', eb.val(customer.id)) } : {}),
      ...(customer?.current_conversation_id ? { whatsapp_conversation_id: eb.fn.coalesce('whatsapp_conversation_id', eb.val(customer.current_conversation_id)) } : {}),
    }))
    .where('phone_number_id', '=', event.phoneNumberId)
    .where('call_id', '=', event.callId)
    .where('status', 'in', behind)
    .execute();
}

/**
 * Marks a call the business accepted as answered (media flows from then on), if the log has it:
 * an accept names a call an inbound `connect` webhook already brought.
 */
export async function markCallAnswered(db: Db, phoneNumberId: string, callId: string, now: number): Promise<void> {
  await db
    .updateTable('calls')
    .set((eb) => ({ status: 'answered', updated_at: now, session_started_at: eb.fn.coalesce('session_started_at', eb.val(now)) }))
    .where('phone_number_id', '=', phoneNumberId)
    .where('call_id', '=', callId)
    .where('status', 'in', statusesBefore('answered'))
    .execute();
}

interface Customer {
  id: string;
  current_conversation_id: string | null;
}

/**
 * The customer's contact and their current conversation, when the number has talked to them:
 * read only, never created, so a call takes no contact lock that the messages of the same
 * ingest batch might take in another order.
 */
async function findCustomer(db: Db, phoneNumberId: string, waId: string): Promise<Customer | undefined> {
  return db
    .selectFrom('contacts')
    .select(['id', 'current_conversation_id'])
    .where('phone_number_id', '=', phoneNumberId)
    .where('wa_id', '=', waId)
    .executeTakeFirst();
}

/** The filters of `GET /{phone_number_id}/calls` (kapso-api.md §6.7.2), combined with AND. */
export interface CallFilter {
  direction?: CallDirection | undefined;
  status?: CallStatus | undefined;
  /** Epoch milliseconds, inclusive bounds on started_at. */
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
  /** Meta's call id or our own id: clients echo either (§6.7.2). */
  callId?: string | undefined;
}

/** A call's place in its list: start time, then id. */
export type CallKey = readonly [startedAt: number, id: string];

/** A call with its number's display number and its contact's names, for presenting. */
export type CallView = CallRow & {
  display_phone_number: string;
  contact_wa_id: string | null;
  contact_profile_name: string | null;
  contact_display_name: string | null;
};

/**
 * One keyset window of a number's calls, newest first: a range scan of (phone_number_id,
 * started_at, id), which never change once a call is logged, so pages are stable while calls
 * progress. Scoped to the project through the number, so another project's call is never found.
 */
export function listCallsQuery(db: Db, projectId: string, phoneNumberId: string, filter: CallFilter, window: KeysetWindow<CallKey>) {
  let q = db
    .selectFrom('calls')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'calls.phone_number_id')
    .leftJoin('contacts', 'contacts.id', 'calls.whatsapp_contact_id')
    .selectAll('calls')
    .select([
      'phone_numbers.display_phone_number',
      'contacts.wa_id as contact_wa_id',
      'contacts.profile_name as contact_profile_name',
      'contacts.display_name as contact_display_name',
    ])
    .where('phone_numbers.project_id', '=', projectId)
    .where('calls.phone_number_id', '=', phoneNumberId);
  if (filter.direction !== undefined) q = q.where('calls.direction', '=', filter.direction);
  if (filter.status !== undefined) q = q.where('calls.status', '=', filter.status);
  if (filter.sinceMs !== undefined) q = q.where('calls.started_at', '>=', filter.sinceMs);
  if (filter.untilMs !== undefined) q = q.where('calls.started_at', '<=', filter.untilMs);
  const callId = filter.callId;
  if (callId !== undefined) q = q.where((eb) => eb.or([eb('calls.call_id', '=', callId), eb('calls.id', '=', callId)]));
  const { start } = window;
  if (start.kind !== 'first') {
    const [startedAt, id] = start.key;
    q = q.where((eb) => eb(eb.refTuple('calls.started_at', 'calls.id'), start.kind === 'before' ? '>' : '<', eb.tuple(startedAt, id)));
  }
  const order = start.kind === 'before' ? 'asc' : 'desc';
  return q.orderBy('calls.started_at', order).orderBy('calls.id', order).limit(window.limit);
}

/** Runs listCallsQuery. */
export async function listCalls(db: Db, projectId: string, phoneNumberId: string, filter: CallFilter, window: KeysetWindow<CallKey>): Promise<CallView[]> {
  return listCallsQuery(db, projectId, phoneNumberId, filter, window).execute();
}
