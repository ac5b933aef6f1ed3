import { normalizeWebhook, verifySignature } from '@kapso/whatsapp-cloud-api/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newWorker, startDeliveringGatewayAndReceiver, subscribe } from '../helpers/outbox.ts';
import type { Receiver } from '../helpers/receiver.ts';
import { customerTextWebhook } from '../helpers/webhooks.ts';

const BSUID = 'US.13491208655302741918';

/** A message from a customer hiding their phone, as Meta sends it once usernames exist (meta-cloud-api.md §1.5). */
function bsuidOnlyWebhook(phoneNumberId: string): string {
  return customerTextWebhook(phoneNumberId, 'wamid.BSUID1', { bsuid: BSUID, username: 'maya' }, { body: 'hi' });
}

describe.each(dialects)('webhooks out name customers by BSUID (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ gw, receiver, close } = await startDeliveringGatewayAndReceiver(dialect));
  });
  afterAll(() => close());

  it('carries the BSUID fields on message and conversation, signed so that the SDK verifies them', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    expect((await postWebhook(gw, bsuidOnlyWebhook(t.phoneNumberId), t.appSecret)).statusCode).toBe(200);
    await newWorker(gw).runOnce();

    const [delivery] = receiver.requests;
    expect(delivery?.headers['x-webhook-event']).toBe('whatsapp.message.received');
    const { message, conversation } = delivery?.json ?? {};
    expect(message).toMatchObject({ id: 'wamid.BSUID1', from_user_id: BSUID, kapso: { direction: 'inbound' } });
    // No phone to show: absent on the message, null on the conversation (kapso-api.md §8.4).
    expect(message.from).toBeUndefined();
    expect(message.kapso.phone_number).toBeUndefined();
    expect(conversation).toMatchObject({ phone_number: null, business_scoped_user_id: BSUID, username: 'maya' });
    const signature = `sha256=${String(delivery?.headers['x-webhook-signature'])}`;
    expect(verifySignature({ appSecret: sub.secret, rawBody: delivery?.body ?? '', signatureHeader: signature })).toBe(true);
    expect(verifySignature({ appSecret: 'another-secret', rawBody: delivery?.body ?? '', signatureHeader: signature })).toBe(false);
  });

  it('forwards the raw payload to meta webhooks, which the SDK normalises with the BSUID fields', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, kind: 'meta', events: [] });
    expect((await postWebhook(gw, bsuidOnlyWebhook(t.phoneNumberId), t.appSecret)).statusCode).toBe(200);
    await newWorker(gw).runOnce();

    const [forward] = receiver.requests;
    expect(verifySignature({ appSecret: sub.secret, rawBody: forward?.body ?? '', signatureHeader: `sha256=${String(forward?.headers['x-webhook-signature'])}` })).toBe(true);
    const normalized = normalizeWebhook(forward?.json);
    expect(normalized.contacts[0]).toMatchObject({ userId: BSUID, profile: { username: 'maya' } });
    expect(normalized.messages[0]).toMatchObject({ id: 'wamid.BSUID1', fromUserId: BSUID });
  });
});
