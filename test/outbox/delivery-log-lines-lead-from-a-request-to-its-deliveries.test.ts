import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { captureLogs, type LogCapture } from '../helpers/log-capture.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

/**
 * Deliveries run later, in a worker, not inside the request that caused them; they are followed
 * from it by the wamid: the ingest request's line (under its X-Request-Id) names the wamid, the
 * delivered body carries it, and the delivery's log line names its event ids and the
 * X-Idempotency-Key the receiver got.
 */
describe.each(dialects)('delivery log lines (%s)', (dialect) => {
  let gw: TestGateway;
  let logs: LogCapture;
  let receiver: Receiver;
  beforeAll(async () => {
    logs = captureLogs('debug');
    receiver = await startReceiver();
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { isolated: true, log: logs.log });
  });
  afterAll(async () => {
    await gw?.close();
    await receiver?.close();
  });

  it('lead from the webhook request’s id to the delivery the receiver got', async () => {
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    const wamid = 'wamid.FOLLOWED1';
    const res = await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(wamid, 'hello', Math.floor(gw.clock.now() / 1000))]), t.appSecret, { 'x-request-id': 'meta-req-7' });
    expect(res.statusCode).toBe(200);
    await newWorker(gw).runOnce();

    const [delivered] = await receiver.waitFor(1);
    const lines = logs.lines();
    expect(lines.find((l) => l.reqId === 'meta-req-7' && l.msg === 'request')).toMatchObject({ messages: [wamid] });
    expect(delivered?.json.message.id).toBe(wamid);
    const key = delivered?.headers['x-idempotency-key'];
    expect(lines.find((l) => l.msg === 'webhook delivered')).toMatchObject({ webhookId: sub.id, eventIds: [key], idempotencyKey: key, status: 200 });
    expect(logs.text()).not.toContain(sub.secret);
  });
});
