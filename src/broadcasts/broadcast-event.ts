import type { Kysely, Transaction } from 'kysely';
import type { BroadcastRow, BroadcastStatus, DB } from '../db/schema.ts';
import { appendEvent } from '../events/append-event.ts';
import { presentBroadcast } from './present.ts';

/** The project webhook event each status a broadcast moves to fires (docs/webhooks.md). */
const EVENT_OF: Partial<Record<BroadcastStatus, string>> = {
  sending: 'whatsapp.broadcast.started',
  completed: 'whatsapp.broadcast.completed',
  stopped: 'whatsapp.broadcast.stopped',
  failed: 'whatsapp.broadcast.failed',
};

/** The body of a broadcast event: the Broadcast object as the API shows it, at that moment (pure). */
export function broadcastEventBody(row: BroadcastRow): string {
  return JSON.stringify({ broadcast: presentBroadcast(row) });
}

/**
 * Appends the event of each broadcast's new status to the outbox, in the transaction that moved
 * it, rendered now so that the webhook shows the counts of that moment. Statuses without an event
 * (draft, scheduled) append nothing. Returns how many it appended.
 */
export async function announceBroadcasts(trx: Kysely<DB> | Transaction<DB>, rows: readonly BroadcastRow[], now: number): Promise<number> {
  let appended = 0;
  for (const row of rows) {
    const type = EVENT_OF[row.status];
    if (!type) continue;
    await appendEvent(trx, { type, phoneNumberId: row.phone_number_id, projectId: row.project_id, data: { body: broadcastEventBody(row) } }, now);
    appended++;
  }
  return appended;
}
