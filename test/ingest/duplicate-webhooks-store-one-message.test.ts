import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { storedCounts } from '../helpers/db-counts.ts';
import { fixtureFor, firstMessageOf, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

describe.each(dialects)('duplicate webhooks (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  it('stores one message when Meta delivers the same payload three times', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('text', t);
    for (let i = 0; i < 3; i++) expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
    expect(await storedCounts(gw, t.phoneNumberId)).toMatchObject({ messages: 1, conversations: 1, contacts: 1 });
    const conversation = await gw.deps.database.db.selectFrom('conversations').selectAll().where('phone_number_id', '=', t.phoneNumberId).executeTakeFirstOrThrow();
    expect(conversation.messages_count).toBe(1);
    expect(conversation.last_message_id).toBe(firstMessageOf(body).id);
  });

  it('stores one message when it arrives again inside a different batch', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.A', 'first'), textMessage('wamid.B', 'second')]), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.B', 'second'), textMessage('wamid.C', 'third')]), t.appSecret);
    expect(await storedCounts(gw, t.phoneNumberId)).toMatchObject({ messages: 3, conversations: 1 });
    const conversation = await gw.deps.database.db.selectFrom('conversations').selectAll().where('phone_number_id', '=', t.phoneNumberId).executeTakeFirstOrThrow();
    expect(conversation.messages_count).toBe(3);
  });

  it('stores each message once when duplicates race in concurrently', async () => {
    const t = await newTenant(gw);
    const bodies = Array.from({ length: 20 }, (_, i) => messagesWebhook(t.phoneNumberId, [textMessage(`wamid.R${i % 5}`, `m${i % 5}`)]));
    const answers = await Promise.all(bodies.map((b) => postWebhook(gw, b, t.appSecret)));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(await storedCounts(gw, t.phoneNumberId)).toMatchObject({ messages: 5, conversations: 1, contacts: 1 });
  });

  it('keeps the same wamid apart on two different numbers', async () => {
    const a = await newTenant(gw);
    const b = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(a.phoneNumberId, [textMessage('wamid.SAME', 'to a')]), a.appSecret);
    await postWebhook(gw, messagesWebhook(b.phoneNumberId, [textMessage('wamid.SAME', 'to b')]), b.appSecret);
    expect((await storedCounts(gw, a.phoneNumberId)).messages).toBe(1);
    expect((await storedCounts(gw, b.phoneNumberId)).messages).toBe(1);
  });

  it('stores every item of a batch spanning several entries and changes', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('batch-mixed', t);
    const parsed = JSON.parse(body);
    let messages = 0;
    let statuses = 0;
    for (const e of parsed.entry) for (const c of e.changes) {
      messages += c.value.messages?.length ?? 0;
      statuses += c.value.statuses?.length ?? 0;
    }
    expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
    const counts = await storedCounts(gw, t.phoneNumberId);
    expect(counts.messages).toBe(messages);
    expect(counts.statuses).toBe(statuses);
  });
});
