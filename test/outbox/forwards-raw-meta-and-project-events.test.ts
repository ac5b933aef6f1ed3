import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject, newTenant, postWebhook } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newWorker, startDeliveringGatewayAndReceiver, subscribe } from '../helpers/outbox.ts';
import type { Receiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

describe.each(dialects)('raw Meta forwarding and project events (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ gw, receiver, close } = await startDeliveringGatewayAndReceiver(dialect));
  });
  afterAll(() => close());

  it('forwards the Meta payload byte for byte to the number’s meta webhook, keyed by its SHA-256', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, kind: 'meta', events: [] });
    // Spacing and key order as Meta's own: a re-serialised body would differ.
    const body = messagesWebhook(t.phoneNumberId, [textMessage('wamid.RAW1', 'olá 🚚', 1767268800)]).replace(/,/g, ', ');
    expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
    await newWorker(gw).runOnce();

    expect(receiver.requests).toHaveLength(1);
    const [forward] = receiver.requests;
    expect(forward?.body).toBe(body);
    expect(forward?.headers['x-idempotency-key']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(forward?.headers['x-webhook-signature']).toBe(createHmac('sha256', sub.secret).update(body).digest('hex'));
    expect(forward?.headers['x-webhook-event']).toBe('meta.raw');
  });

  it('tells project webhooks when a number is added to the project, and no other project', async () => {
    receiver.requests.length = 0;
    const project = await newProject(gw);
    const other = await newProject(gw);
    await subscribe(gw, { projectId: project.projectId, phoneNumberId: null, url: receiver.url, events: ['whatsapp.phone_number.created'] });
    await subscribe(gw, { projectId: other.projectId, phoneNumberId: null, url: `${receiver.url}?other`, events: ['whatsapp.phone_number.created'] });
    const n = await newPhoneNumber(gw, project.projectId);
    await newWorker(gw).runOnce();

    expect(receiver.requests.map((r) => r.json)).toEqual([{ phone_number_id: n.phoneNumberId, project: { id: project.projectId } }]);
    expect(receiver.requests[0]?.headers['x-webhook-event']).toBe('whatsapp.phone_number.created');
  });
});
