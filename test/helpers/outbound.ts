import { storeConversationMessages } from '../../src/messages/store-conversation-messages.ts';
import type { TestGateway } from './harness.ts';

/**
 * Stores an outbound text the way the send path does once Meta accepted it (through the one
 * write path, as a batch of one), `pending` until its statuses arrive.
 */
export async function storeOutboundText(gw: TestGateway, phoneNumberId: string, wamid: string, opts: { now?: number; timestamp?: number; body?: string } = {}): Promise<void> {
  const now = opts.now ?? gw.clock.now();
  const body = opts.body ?? 'Your order shipped';
  await gw.deps.database.db.transaction().execute((trx) =>
    storeConversationMessages(trx, [
      {
        message: {
          phoneNumberId, waId: '14155550123', profileName: null, id: wamid, type: 'text', direction: 'outbound', timestamp: opts.timestamp ?? 1767268800,
          status: 'pending', processingStatus: 'completed', payload: { type: 'text', text: { body } },
          derived: { hasMedia: false, content: body, messageTypeData: {}, previewText: body },
        },
        ctx: { now, inactivityMs: gw.deps.config.conversations.inactivityMs },
      },
    ]),
  );
}
