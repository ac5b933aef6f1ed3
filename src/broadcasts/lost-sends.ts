import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import { readJson } from '../db/json.ts';
import { storeConversationMessages } from '../messages/store-conversation-messages.ts';
import { findPhoneNumbersByIds } from '../tenants/store.ts';
import { applyRecipientChanges } from './recipient-store.ts';
import { acceptedMessageOf } from './send-recipient.ts';
import { findLostSends, releaseLostSend } from './send-store.ts';
import { findBroadcastById } from './store.ts';
import type { StoredTemplate } from './template.ts';

/** Lost sends looked at per sweep. */
const BATCH = 200;

type LostSendDeps = Pick<Deps, 'database' | 'config' | 'outboxBell'>;

/**
 * Decides the sends whose outcome was lost (a crash, a timeout, a 5xx after the request left),
 * "never twice" (docs/broadcasts.md): Meta has no idempotency key, but it reports every message
 * it accepted with a status webhook carrying the send's `biz_opaque_callback_data`, and the
 * follow-up of those webhooks keeps the wamid they name on the recipient.
 * - A lost send with such a wamid was accepted: it is recorded as sent, and its message stored,
 *   so the statuses already kept for it are applied and reach the recipient.
 * - One without, once BROADCAST_OUTCOME_WAIT_MS has passed since it was marked (the gateway was
 *   up, taking Meta's webhooks, all that time), was never accepted: it is due again.
 * Returns how many of each.
 */
export async function resolveLostSends(deps: LostSendDeps, log: Logger, now: number): Promise<{ accepted: number; released: number }> {
  const { db } = deps.database;
  const lost = await findLostSends(db, BATCH);
  let accepted = 0;
  let released = 0;
  for (const recipient of lost) {
    const markedAt = recipient.outcome_unknown_at as number;
    if (recipient.wamid !== null) {
      const broadcast = await findBroadcastById(db, recipient.broadcast_id);
      const [number] = broadcast ? await findPhoneNumbersByIds(db, [broadcast.phone_number_id]) : [];
      if (!broadcast || !number) continue;
      const message = acceptedMessageOf({ recipient, template: readJson<StoredTemplate>(broadcast.template), number }, recipient.wamid, now);
      await db.transaction().execute(async (trx) => {
        await storeConversationMessages(trx, [{ message, ctx: { now, inactivityMs: deps.config.conversations.inactivityMs } }]);
        await applyRecipientChanges(trx, [{ recipientId: recipient.id, change: { kind: 'sent', at: now, wamid: recipient.wamid as string } }], now);
      });
      deps.outboxBell.ring();
      accepted++;
      log.info({ recipient: recipient.id, wamid: recipient.wamid }, 'lost broadcast send resolved: Meta accepted it (a status webhook named it)');
    } else if (now - markedAt >= deps.config.broadcasts.outcomeWaitMs && (await releaseLostSend(db, recipient.id, markedAt, now))) {
      released++;
      log.warn({ recipient: recipient.id, waitedMs: now - markedAt }, 'lost broadcast send resolved: no status webhook named it, so Meta never accepted it; sending it again');
    }
  }
  return { accepted, released };
}
