import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from '../../src/db/json.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { customerTextWebhook, type WebhookCustomer } from '../helpers/webhooks.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z
const PHONE = '14155550123';
const BSUID = 'US.13491208655302741918';

/** A webhook from one customer, naming them as Meta does once usernames exist (meta-cloud-api.md §1.5). */
function customerWebhook(phoneNumberId: string, id: string, who: WebhookCustomer, at = T0): string {
  return customerTextWebhook(phoneNumberId, id, who, { at });
}

describe.each(dialects)('customers known by phone, by BSUID or both (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const contactsOf = (phoneNumberId: string) => gw.deps.database.db.selectFrom('contacts').selectAll().where('phone_number_id', '=', phoneNumberId).orderBy('created_at').execute();
  const conversationsOf = (phoneNumberId: string) => gw.deps.database.db.selectFrom('conversations').selectAll().where('phone_number_id', '=', phoneNumberId).execute();
  async function ingest(t: { phoneNumberId: string; appSecret: string }, id: string, who: Parameters<typeof customerWebhook>[2], at = T0) {
    const res = await postWebhook(gw, customerWebhook(t.phoneNumberId, id, who, at), t.appSecret);
    expect(res.statusCode).toBe(200);
  }

  it('stores a message from a customer with an empty wa_id under their BSUID, without a phone', async () => {
    const t = await newTenant(gw);
    await ingest(t, 'wamid.b1', { bsuid: BSUID, username: 'maya' });
    const [contact, ...others] = await contactsOf(t.phoneNumberId);
    expect(others).toEqual([]);
    expect(contact).toMatchObject({ wa_id: null, business_scoped_user_id: BSUID, username: 'maya', country_code: 'US', profile_name: 'Maya Chen' });
    const [conversation] = await conversationsOf(t.phoneNumberId);
    expect(conversation).toMatchObject({ wa_id: null, business_scoped_user_id: BSUID, contact_id: contact?.id });
    const message = (await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.b1')).json();
    expect(message.from).toBeUndefined();
    expect(message.from_user_id).toBe(BSUID);
    expect(message.kapso.phone_number).toBeUndefined();
    expect(message.kapso.whatsapp_conversation_id).toBe(conversation?.id);
  });

  it('gives a customer first seen by BSUID their phone when both arrive, in the same contact and conversation', async () => {
    const t = await newTenant(gw);
    await ingest(t, 'wamid.1', { bsuid: BSUID });
    await ingest(t, 'wamid.2', { waId: PHONE, bsuid: BSUID }, T0 + 60);
    await ingest(t, 'wamid.3', { waId: PHONE }, T0 + 120);
    const contacts = await contactsOf(t.phoneNumberId);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ wa_id: PHONE, business_scoped_user_id: BSUID });
    const conversations = await conversationsOf(t.phoneNumberId);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ wa_id: PHONE, business_scoped_user_id: BSUID, messages_count: 3 });
  });

  it('gives a customer first seen by phone their BSUID when both arrive, and later BSUID-only messages join them', async () => {
    const t = await newTenant(gw);
    await ingest(t, 'wamid.1', { waId: PHONE });
    await ingest(t, 'wamid.2', { waId: PHONE, bsuid: BSUID, username: 'maya' }, T0 + 60);
    await ingest(t, 'wamid.3', { bsuid: BSUID }, T0 + 120);
    const contacts = await contactsOf(t.phoneNumberId);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ wa_id: PHONE, business_scoped_user_id: BSUID, username: 'maya', country_code: 'US' });
    const conversations = await conversationsOf(t.phoneNumberId);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ messages_count: 3, business_scoped_user_id: BSUID });
    // A BSUID-only message of a customer whose phone is known still says who they are.
    expect((await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.3')).json().from).toBe(PHONE);
  });

  it('joins two contacts of one customer, each known by one identifier, when a message names both', async () => {
    const t = await newTenant(gw);
    await ingest(t, 'wamid.1', { waId: PHONE });
    gw.clock.advance(1000);
    await ingest(t, 'wamid.2', { bsuid: BSUID }, T0 + 60);
    const [byPhone, byBsuid] = await contactsOf(t.phoneNumberId);
    expect(byBsuid).toBeDefined();
    await gw.deps.database.db.updateTable('contacts').set({ display_name: 'Maya (wholesale)', metadata: '{"tier":"gold"}' }).where('id', '=', byBsuid?.id as string).execute();
    await ingest(t, 'wamid.3', { waId: PHONE, bsuid: BSUID }, T0 + 120);
    const contacts = await contactsOf(t.phoneNumberId);
    expect(contacts).toHaveLength(1);
    // The older contact keeps its id and gains what the other one knew.
    expect(contacts[0]).toMatchObject({ id: byPhone?.id, wa_id: PHONE, business_scoped_user_id: BSUID, display_name: 'Maya (wholesale)' });
    expect(readJson(contacts[0]?.metadata)).toEqual({ tier: 'gold' });
    const conversations = await conversationsOf(t.phoneNumberId);
    expect(conversations.every((c) => c.contact_id === byPhone?.id && c.wa_id === PHONE && c.business_scoped_user_id === BSUID)).toBe(true);
    expect(conversations.reduce((n, c) => n + Number(c.messages_count), 0)).toBe(3);
  });

  it('keeps customers of one BSUID apart across numbers, and refuses a message naming no sender', async () => {
    const t = await newTenant(gw);
    const other = await newTenant(gw);
    await ingest(t, 'wamid.1', { bsuid: BSUID });
    await ingest(other, 'wamid.1', { bsuid: BSUID });
    expect(await contactsOf(t.phoneNumberId)).toHaveLength(1);
    expect(await contactsOf(other.phoneNumberId)).toHaveLength(1);
    const res = await postWebhook(gw, customerWebhook(t.phoneNumberId, 'wamid.x', {}), t.appSecret);
    expect(res.statusCode).toBe(400);
  });
});
