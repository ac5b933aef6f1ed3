import type { Deps } from '../deps.ts';
import { readJson } from '../db/json.ts';
import { appendEvent } from '../events/append-event.ts';
import { claimInactivityNotice, findNumberWebhooks, findUnannouncedQuietConversations } from './inactivity-store.ts';

const EVENT = 'whatsapp.conversation.inactive';
const BATCH = 500;

/**
 * `whatsapp.conversation.inactive` (kapso-api.md §8.2): fired once per quiet period when an active
 * conversation has had no message for the subscription's `inactivity_minutes`. The window is the
 * subscription's own, so each event is addressed to that one subscription. Returns events written.
 */
export async function announceInactiveConversations(deps: Pick<Deps, 'database'>, now: number): Promise<number> {
  const { db } = deps.database;
  let announced = 0;
  for (const webhook of await findNumberWebhooks(db)) {
    if (!readJson<string[]>(webhook.events).includes(EVENT)) continue;
    const minutes = webhook.inactivity_minutes;
    const quiet = await findUnannouncedQuietConversations(db, webhook, now - minutes * 60_000, BATCH);
    for (const c of quiet) {
      const wrote = await db.transaction().execute(async (trx) => {
        if (!(await claimInactivityNotice(trx, webhook.id, c.id, c.last_active_at))) return false;
        const data = { webhook_id: webhook.id, inactivity_minutes: minutes };
        await appendEvent(trx, { type: EVENT, phoneNumberId: webhook.phone_number_id, conversationId: c.id, data }, now);
        return true;
      });
      if (wrote) announced++;
    }
  }
  return announced;
}
