import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z

/**
 * The summary rule (db/conversation-summary.ts), one definition that both dialects' batch
 * statements use: counts every message, moves the last message to one at least as new (of equal
 * timestamps the later stored), and moves activity and each direction's last time only forward,
 * whether the messages come in one batch or several.
 */
describe.each(dialects)('a conversation summary (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const conversationOf = async (phoneNumberId: string) => {
    const rows = await gw.deps.database.db.selectFrom('conversations').selectAll().where('phone_number_id', '=', phoneNumberId).execute();
    expect(rows).toHaveLength(1);
    return rows[0];
  };

  it('follows the newest message of a batch in either direction, the later of equal timestamps', async () => {
    const t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [
      { id: 'wamid.in-1', timestamp: T0, body: 'hello' },
      { id: 'wamid.out-1', timestamp: T0 + 60, direction: 'outbound', body: 'hi, how can we help?' },
      { id: 'wamid.in-2', timestamp: T0 + 60, body: 'my order' },
      { id: 'wamid.in-0', timestamp: T0 - 60, body: 'late' },
    ]);
    expect(await conversationOf(t.phoneNumberId)).toMatchObject({
      messages_count: 4,
      last_message_id: 'wamid.in-2',
      last_message_text: 'my order',
      last_message_at: (T0 + 60) * 1000,
      last_inbound_at: (T0 + 60) * 1000,
      last_outbound_at: (T0 + 60) * 1000,
      last_active_at: (T0 + 60) * 1000,
    });
  });

  it('keeps a newer summary when an older message is stored later, and counts it', async () => {
    const t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.out-1', timestamp: T0 + 120, direction: 'outbound', body: 'shipped' }]);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.in-1', timestamp: T0, body: 'where is it?' }]);
    expect(await conversationOf(t.phoneNumberId)).toMatchObject({
      messages_count: 2,
      last_message_id: 'wamid.out-1',
      last_message_type: 'text',
      last_message_text: 'shipped',
      last_message_at: (T0 + 120) * 1000,
      last_inbound_at: T0 * 1000,
      last_outbound_at: (T0 + 120) * 1000,
      last_active_at: (T0 + 120) * 1000,
    });
  });

  it('moves to a message of equal timestamp stored by a later batch', async () => {
    const t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.out-1', timestamp: T0, direction: 'outbound', body: 'shipped' }]);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.in-1', timestamp: T0, body: 'thanks' }]);
    expect(await conversationOf(t.phoneNumberId)).toMatchObject({ messages_count: 2, last_message_id: 'wamid.in-1', last_message_text: 'thanks' });
  });

  it('counts a message stored twice once', async () => {
    const t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.1', timestamp: T0 }, { id: 'wamid.1', timestamp: T0 }]);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.1', timestamp: T0 }]);
    expect(await conversationOf(t.phoneNumberId)).toMatchObject({ messages_count: 1, last_message_id: 'wamid.1' });
  });
});
