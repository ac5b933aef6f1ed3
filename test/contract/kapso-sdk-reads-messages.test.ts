import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { fixtureFor, firstMessageOf, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

/**
 * The real client we must satisfy: Kapso's SDK, pointed at a listening gateway with `baseUrl`
 * and `kapsoApiKey`, exactly as a Kapso user switching to Switchboard configures it.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api against the gateway (%s)', (dialect) => {
  let gw: TestGateway;
  let baseUrl: string;
  beforeAll(async () => {
    gw = await startGateway(dialect);
    baseUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => gw.close());

  it('reads a stored inbound message with messages.get, camel-cased by the SDK', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('text-reply', t);
    const sent = firstMessageOf(body) as { id: string; text: { body: string }; context: { id: string } };
    expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);

    const client = new WhatsAppClient({ baseUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
    const message = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: sent.id });

    expect(message).toMatchObject({
      id: sent.id,
      type: 'text',
      from: '14155550123',
      text: { body: sent.text.body },
      context: { id: sent.context.id },
      kapso: {
        direction: 'inbound',
        status: 'received',
        phoneNumber: '14155550123',
        hasMedia: false,
        contactName: 'Maya Chen',
        content: sent.text.body,
      },
    });
    expect(message.kapso?.whatsappConversationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('narrows the kapso block with the fields the SDK builds', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('image', t);
    const sent = firstMessageOf(body);
    await postWebhook(gw, body, t.appSecret);
    const client = new WhatsAppClient({ baseUrl, kapsoApiKey: t.apiKey });
    const message = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: sent.id, fields: 'kapso(direction,has_media)' });
    expect(message.kapso).toEqual({ direction: 'inbound', hasMedia: true });
  });

  it('surfaces an unknown message as a GraphApiError carrying Meta code 100 and HTTP 404', async () => {
    const t = await newTenant(gw);
    const client = new WhatsAppClient({ baseUrl, kapsoApiKey: t.apiKey });
    const error = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: 'wamid.missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ code: 100, httpStatus: 404 });
  });

  it('surfaces a wrong key as an authentication GraphApiError with HTTP 401', async () => {
    const t = await newTenant(gw);
    const client = new WhatsAppClient({ baseUrl, kapsoApiKey: 'sbk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' });
    const error = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: 'wamid.x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ httpStatus: 401, code: 190 });
  });
});
