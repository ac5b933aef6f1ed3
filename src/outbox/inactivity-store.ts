import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB, WebhookRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Active number-scoped `kapso` subscriptions: the ones that can ask for inactivity events. */
export async function findNumberWebhooks(db: Db): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('active', '=', 1)
    .where('kind', '=', 'kapso')
    .where('phone_number_id', 'is not', null)
    .execute();
}

/**
 * Active conversations of a number quiet since before `cutoffMs` whose current quiet period has
 * not been announced to this subscription. Only periods that began while the subscription existed
 * count: a new subscription is not flooded with every old quiet conversation.
 */
export async function findUnannouncedQuietConversations(db: Db, webhook: WebhookRow, cutoffMs: number, limit: number) {
  return db
    .selectFrom('conversations as c')
    .leftJoin('webhook_inactivity_notices as n', (join) => join.onRef('n.conversation_id', '=', 'c.id').on('n.webhook_id', '=', webhook.id))
    .select(['c.id', 'c.last_active_at'])
    .where('c.phone_number_id', '=', webhook.phone_number_id as string)
    .where('c.status', '=', sql.lit('active'))
    .where('c.last_active_at', '<=', cutoffMs)
    .where('c.last_active_at', '>=', webhook.created_at)
    .where((eb) => eb.or([eb('n.last_active_at', 'is', null), eb('n.last_active_at', '<', eb.ref('c.last_active_at'))]))
    .limit(limit)
    .execute();
}

/**
 * Records that a quiet period was announced; true only for the caller that recorded it first,
 * so workers racing on the same conversation announce it once.
 */
export async function claimInactivityNotice(db: Db, webhookId: string, conversationId: string, lastActiveAt: number): Promise<boolean> {
  const row = await db
    .insertInto('webhook_inactivity_notices')
    .values({ webhook_id: webhookId, conversation_id: conversationId, last_active_at: lastActiveAt })
    .onConflict((oc) =>
      oc
        .columns(['webhook_id', 'conversation_id'])
        .doUpdateSet({ last_active_at: lastActiveAt })
        .where('webhook_inactivity_notices.last_active_at', '<', lastActiveAt),
    )
    .returning('conversation_id')
    .executeTakeFirst();
  return row !== undefined;
}
