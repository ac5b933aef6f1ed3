import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeConversationMessages, type MessageToStore } from '../../src/messages/store-conversation-messages.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const T0 = 1_767_268_800;

/**
 * A batch is absorbed into each of its conversations at once (PostgreSQL in SQL, SQLite in
 * JavaScript: db/sqlite/summarize-writes.ts), both to the same result: the count of what was
 * stored, the newest message (the later stored of equal timestamps) as the summary, and each
 * direction's newest time.
 */
describe.each(dialects)('a stored batch summarizes each conversation by its newest message (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const text = (phoneNumberId: string, waId: string, id: string, timestamp: number, direction: 'inbound' | 'outbound'): MessageToStore => ({
    message: {
      phoneNumberId, waId, profileName: null, id, type: 'text', direction, timestamp,
      status: direction === 'inbound' ? 'received' : 'pending', processingStatus: direction === 'inbound' ? 'pending' : 'completed',
      payload: { type: 'text', text: { body: `text of ${id}` } },
      derived: { hasMedia: false, content: `text of ${id}`, messageTypeData: {}, previewText: `text of ${id}` },
    },
    ctx: { now: gw.clock.now(), inactivityMs: gw.deps.config.conversations.inactivityMs },
  });

  const summaries = async (phoneNumberId: string) =>
    (await gw.deps.database.db.selectFrom('conversations').selectAll().where('phone_number_id', '=', phoneNumberId).orderBy('wa_id').execute()).map((c) => ({
      wa_id: c.wa_id, messages_count: c.messages_count, last_message_id: c.last_message_id, last_message_text: c.last_message_text,
      last_message_at: Number(c.last_message_at), last_inbound_at: c.last_inbound_at === null ? null : Number(c.last_inbound_at),
      last_outbound_at: c.last_outbound_at === null ? null : Number(c.last_outbound_at),
    }));

  it('takes the newest message of each conversation, the later stored of equal timestamps, and each direction apart', async () => {
    const t = await newTenant(gw);
    const stored = await gw.deps.database.db.transaction().execute((trx) =>
      storeConversationMessages(trx, [
        text(t.phoneNumberId, '14155550001', 'wamid.a', T0 + 10, 'inbound'),
        text(t.phoneNumberId, '14155550002', 'wamid.x', T0 + 30, 'outbound'),
        text(t.phoneNumberId, '14155550001', 'wamid.b', T0 + 20, 'outbound'),
        text(t.phoneNumberId, '14155550001', 'wamid.c', T0 + 20, 'inbound'),
        text(t.phoneNumberId, '14155550001', 'wamid.d', T0 + 5, 'inbound'),
        text(t.phoneNumberId, '14155550002', 'wamid.y', T0 + 10, 'outbound'),
      ]),
    );
    expect(stored).toEqual([true, true, true, true, true, true]);
    expect(await summaries(t.phoneNumberId)).toEqual([
      { wa_id: '14155550001', messages_count: 4, last_message_id: 'wamid.c', last_message_text: 'text of wamid.c', last_message_at: (T0 + 20) * 1000, last_inbound_at: (T0 + 20) * 1000, last_outbound_at: (T0 + 20) * 1000 },
      { wa_id: '14155550002', messages_count: 2, last_message_id: 'wamid.x', last_message_text: 'text of wamid.x', last_message_at: (T0 + 30) * 1000, last_inbound_at: null, last_outbound_at: (T0 + 30) * 1000 },
    ]);
  });

  it('counts only what it stored: a repeated wamid and an older batch leave the summary alone', async () => {
    const t = await newTenant(gw);
    const { db } = gw.deps.database;
    await db.transaction().execute((trx) => storeConversationMessages(trx, [text(t.phoneNumberId, '14155550001', 'wamid.new', T0 + 50, 'inbound')]));
    const stored = await db.transaction().execute((trx) =>
      storeConversationMessages(trx, [text(t.phoneNumberId, '14155550001', 'wamid.new', T0 + 50, 'inbound'), text(t.phoneNumberId, '14155550001', 'wamid.old', T0 + 1, 'inbound')]),
    );
    expect(stored).toEqual([false, true]);
    expect(await summaries(t.phoneNumberId)).toEqual([
      { wa_id: '14155550001', messages_count: 2, last_message_id: 'wamid.new', last_message_text: 'text of wamid.new', last_message_at: (T0 + 50) * 1000, last_inbound_at: (T0 + 50) * 1000, last_outbound_at: null },
    ]);
  });
});
