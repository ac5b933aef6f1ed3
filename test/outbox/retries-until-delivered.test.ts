import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const MINUTE = 60_000;

describe.each(dialects)('webhook retries (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  beforeAll(async () => {
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '1000' }, { isolated: true });
  });
  afterAll(() => gw.close());

  const attemptsOf = (webhookId: string) =>
    gw.deps.database.db
      .selectFrom('delivery_attempts')
      .innerJoin('deliveries', 'deliveries.id', 'delivery_attempts.delivery_id')
      .select(['delivery_attempts.attempt', 'delivery_attempts.response_status', 'delivery_attempts.error_class', 'delivery_attempts.response_excerpt', 'deliveries.status'])
      .where('deliveries.webhook_id', '=', webhookId)
      .orderBy('delivery_attempts.seq')
      .execute();

  const customerWrites = (t: { phoneNumberId: string; appSecret: string }, id: string, waId = '14155550123') =>
    postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(id, `text of ${id}`, Math.floor(gw.clock.now() / 1000), waId)], waId), t.appSecret);

  it('retries a 500 after 10 s with the same body, signature and idempotency key, and logs both attempts', async () => {
    receiver = await startReceiver();
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? 500 : 200);
    await customerWrites(t, 'wamid.R1');
    const worker = newWorker(gw);

    await worker.runOnce();
    expect(receiver.requests).toHaveLength(1);
    gw.clock.advance(9_000);
    await worker.runOnce();
    expect(receiver.requests).toHaveLength(1);
    gw.clock.advance(1_000);
    await worker.runOnce();

    const [first, second] = receiver.requests;
    expect(receiver.requests).toHaveLength(2);
    expect(second?.body).toBe(first?.body);
    expect(second?.headers['x-idempotency-key']).toBe(first?.headers['x-idempotency-key']);
    expect(second?.headers['x-webhook-signature']).toBe(first?.headers['x-webhook-signature']);
    expect(await attemptsOf(sub.id)).toEqual([
      { attempt: 1, response_status: 500, error_class: 'http_status', response_excerpt: '{"error":"nope"}', status: 'delivered' },
      { attempt: 2, response_status: 200, error_class: null, response_excerpt: '{"ok":true}', status: 'delivered' },
    ]);
    await receiver.close();
  });

  it('delivers every event once the receiver is back after an hour down', async () => {
    receiver = await startReceiver();
    const t = await newTenant(gw);
    const events = ['whatsapp.conversation.created', 'whatsapp.message.received'];
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events });
    let down = true;
    receiver.respond = () => (down ? 'drop' : 200);
    for (let i = 0; i < 4; i++) await customerWrites(t, `wamid.DOWN${i}`, `1415555010${i}`);
    await customerWrites(t, 'wamid.DOWN-again', '14155550100');
    const worker = newWorker(gw);
    for (let minute = 0; minute < 60; minute++) {
      await worker.runOnce();
      gw.clock.advance(MINUTE);
    }
    const whileDown = receiver.requests.length;
    expect(whileDown).toBeGreaterThan(9);
    down = false;
    for (let step = 0; step < 40; step++) {
      await worker.runOnce();
      gw.clock.advance(5 * MINUTE);
    }
    const delivered = receiver.requests.slice(whileDown);
    // 4 conversations created, 5 messages received: 9 events, each delivered exactly once after the outage.
    expect(new Set(delivered.map((r) => r.headers['x-idempotency-key'])).size).toBe(9);
    expect(delivered).toHaveLength(9);
    const failures = await attemptsOf(sub.id);
    expect(failures.filter((a) => a.error_class === 'connection').length).toBe(whileDown);
    await receiver.close();
  });

  it('marks a delivery failed at its deadline and stops retrying it', async () => {
    receiver = await startReceiver();
    receiver.respond = () => 503;
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    await customerWrites(t, 'wamid.DEADLINE');
    const worker = newWorker(gw);
    // Three-hour steps: nine failed attempts over 25 h, too few to pause the subscription (that
    // takes 20 failures over 6 h), so the deadline is what ends it.
    for (let hour = 0; hour <= 25; hour += 3) {
      await worker.runOnce();
      gw.clock.advance(3 * 60 * MINUTE);
    }
    const row = await gw.deps.database.db.selectFrom('deliveries').selectAll().where('webhook_id', '=', sub.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.failed_at).not.toBeNull();
    const count = receiver.requests.length;
    gw.clock.advance(24 * 60 * MINUTE);
    await worker.runOnce();
    expect(receiver.requests).toHaveLength(count);
    await receiver.close();
  });

  it('times out a receiver that does not answer and classifies it as a timeout', async () => {
    receiver = await startReceiver();
    receiver.respond = () => 'hang';
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    await customerWrites(t, 'wamid.HANG');
    await newWorker(gw).runOnce();
    expect(await attemptsOf(sub.id)).toEqual([{ attempt: 1, response_status: null, error_class: 'timeout', response_excerpt: null, status: 'pending' }]);
    await receiver.close();
  });
});
