import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

/**
 * Every inbound message names its customer's profile; the contact row is written only when that
 * name is new or changed (one write fewer per message on the ingest path), and a message without
 * a name never erases a known one.
 */
describe.each(dialects)('contact rows at ingest (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const contactOf = (phoneNumberId: string) =>
    gw.deps.database.db.selectFrom('contacts').select(['id', 'profile_name', 'created_at', 'updated_at']).where('phone_number_id', '=', phoneNumberId).executeTakeFirstOrThrow();

  it('keeps updated_at while the profile name stays the same, and moves it when the name changes', async () => {
    const t = await newTenant(gw);
    const created = gw.clock.now();
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.C1', 'one')], '14155550123', 'Maya'), t.appSecret);
    gw.clock.advance(60_000);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.C2', 'two')], '14155550123', 'Maya'), t.appSecret);
    const same = await contactOf(t.phoneNumberId);
    expect(same).toMatchObject({ profile_name: 'Maya', created_at: created, updated_at: created });

    gw.clock.advance(60_000);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.C3', 'three')], '14155550123', 'Maya Chen'), t.appSecret);
    const renamed = await contactOf(t.phoneNumberId);
    expect(renamed).toMatchObject({ id: same.id, profile_name: 'Maya Chen', created_at: created, updated_at: created + 120_000 });
  });

  it('never erases a known name with a message that carries none, and answers with the known one', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.N1', 'hello')], '14155550123', 'Ana'), t.appSecret);
    const before = await contactOf(t.phoneNumberId);
    const nameless = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: t.phoneNumberId }, messages: [textMessage('wamid.N2', 'no profile')] } }] }],
    });
    gw.clock.advance(1_000);
    expect((await postWebhook(gw, nameless, t.appSecret)).statusCode).toBe(200);
    expect(await contactOf(t.phoneNumberId)).toEqual(before);
    const message = await gw.deps.database.db.selectFrom('messages').select('contact_name').where('phone_number_id', '=', t.phoneNumberId).where('id', '=', 'wamid.N2').executeTakeFirstOrThrow();
    expect(message.contact_name).toBe('Ana');
  });

  it('leaves the contact alone when Meta redelivers an old message under a name since changed', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.R1', 'old')], '14155550123', 'Old Name'), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.R2', 'new')], '14155550123', 'New Name'), t.appSecret);
    const before = await contactOf(t.phoneNumberId);
    gw.clock.advance(5_000);
    expect((await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.R1', 'old')], '14155550123', 'Old Name'), t.appSecret)).statusCode).toBe(200);
    expect(await contactOf(t.phoneNumberId)).toEqual(before);
    expect(before.profile_name).toBe('New Name');
  });
});
