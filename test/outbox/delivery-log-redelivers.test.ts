import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { expectGraphError, expectInvalid } from '../webhooks/helpers.ts';
import { api, DELIVERIES, iso } from './delivery-log-helpers.ts';

const HOUR = 3_600_000;

describe.each(dialects)('redelivery (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  beforeAll(async () => {
    // A 36 s deadline: a delivery that fails twice is failed for good (its next retry, 40 s after
    // the second attempt, falls past it).
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_DEADLINE_HOURS: '0.01' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await gw.close();
  });

  async function world(events = ['whatsapp.message.received']) {
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events });
    const customerWrites = (wamid: string) =>
      postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(wamid, `text of ${wamid}`, Math.floor(gw.clock.now() / 1000), '14155550123')], '14155550123'), t.appSecret);
    const list = async (query = '') => (await api(gw, t.apiKey, 'GET', `${DELIVERIES}${query}`)).json().data as Array<Record<string, unknown> & { id: string }>;
    return { t, sub, customerWrites, list };
  }

  /** Runs the worker through the retry schedule until every delivery is failed (two attempts each). */
  async function failEverything() {
    receiver.respond = () => 503;
    const worker = newWorker(gw);
    for (let i = 0; i < 3; i++) {
      await worker.runOnce();
      gw.clock.advance(40_000);
    }
  }

  it('sends a delivered delivery again with the same idempotency key, body and continuing attempt numbers', async () => {
    const { t, customerWrites, list } = await world();
    receiver.requests.length = 0;
    receiver.respond = () => 200;
    await customerWrites('wamid.AGAIN1');
    const worker = newWorker(gw);
    await worker.runOnce();
    const [delivery] = await list();
    expect(delivery).toMatchObject({ status: 'delivered', attempt_count: 1 });

    gw.clock.advance(60_000);
    const res = await api(gw, t.apiKey, 'POST', `${DELIVERIES}/${delivery?.id}/redeliver`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({
      id: delivery?.id,
      status: 'pending',
      attempt_count: 1,
      delivered_at: null,
      failed_at: null,
      next_attempt_at: iso(gw.clock.now()),
    });
    await worker.runOnce();

    expect(receiver.requests).toHaveLength(2);
    const [first, second] = receiver.requests;
    expect(second?.headers['x-idempotency-key']).toBe(first?.headers['x-idempotency-key']);
    expect(second?.body).toBe(first?.body);
    const detail = (await api(gw, t.apiKey, 'GET', `${DELIVERIES}/${delivery?.id}`)).json().data;
    expect(detail).toMatchObject({ status: 'delivered', attempt_count: 2, delivered_at: iso(gw.clock.now()) });
    expect(detail.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2]);
  });

  it('gives a failed delivery a fresh deadline and sends it again', async () => {
    const { t, customerWrites, list } = await world();
    await customerWrites('wamid.AGAIN2');
    await failEverything();
    const [failed] = await list();
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 2 });

    const res = await api(gw, t.apiKey, 'POST', `${DELIVERIES}/${failed?.id}/redeliver`);
    expect(res.json().data).toMatchObject({ status: 'pending', attempt_count: 2, failed_at: null, last_error: 'http_status: receiver answered 503' });
    const row = await gw.deps.database.db.selectFrom('deliveries').select(['deadline_at', 'next_attempt_at']).where('id', '=', failed?.id ?? '').executeTakeFirstOrThrow();
    expect(row).toEqual({ deadline_at: gw.clock.now() + 36_000, next_attempt_at: gw.clock.now() });
    receiver.respond = () => 200;
    await newWorker(gw).runOnce();
    expect((await list())[0]).toMatchObject({ status: 'delivered', attempt_count: 3, last_error: null });
  });

  it('answers a pending delivery with the item and leaves it as it is', async () => {
    const { t, customerWrites, list } = await world();
    receiver.respond = () => 500;
    await customerWrites('wamid.AGAIN3');
    await newWorker(gw).runOnce();
    const [pending] = await list();
    expect(pending).toMatchObject({ status: 'pending', attempt_count: 1, next_attempt_at: iso(gw.clock.now() + 10_000) });

    const res = await api(gw, t.apiKey, 'POST', `${DELIVERIES}/${pending?.id}/redeliver`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual(pending);
  });

  it('redelivers every failed delivery of a time range in one call, and only those', async () => {
    const { t, sub, customerWrites, list } = await world();
    const start = gw.clock.now();
    await customerWrites('wamid.RANGE1');
    await failEverything();
    gw.clock.advance(HOUR);
    await customerWrites('wamid.RANGE2');
    await failEverything();
    receiver.respond = () => 200;
    await customerWrites('wamid.RANGE3');
    await newWorker(gw).runOnce();
    expect((await list()).map((d) => d.status)).toEqual(['delivered', 'failed', 'failed']);

    const since = new Date(start).toISOString();
    const until = new Date(start + HOUR / 2).toISOString();
    const res = await api(gw, t.apiKey, 'POST', `${DELIVERIES}/redeliver`, { since, until, webhook_id: sub.id });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { redelivered: 1 } });
    expect((await list()).map((d) => d.status)).toEqual(['delivered', 'failed', 'pending']);

    // Without until, every failed one since; the default status is failed.
    expect((await api(gw, t.apiKey, 'POST', `${DELIVERIES}/redeliver`, { since })).json()).toEqual({ data: { redelivered: 1 } });
    expect((await api(gw, t.apiKey, 'POST', `${DELIVERIES}/redeliver`, { since, status: 'delivered' })).json()).toEqual({ data: { redelivered: 1 } });
    expect((await list()).map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
    await newWorker(gw).runOnce();
    expect((await list()).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('refuses a range without since, one that ends before it starts, and an unknown webhook', async () => {
    const { t } = await world();
    const at = new Date(gw.clock.now()).toISOString();
    const post = (payload: object) => api(gw, t.apiKey, 'POST', `${DELIVERIES}/redeliver`, payload);
    expect((await post({})).statusCode).toBe(400);
    expect((await post({ since: at, status: 'pending' })).statusCode).toBe(400);
    expect((await post({ since: at, surprise: 1 })).statusCode).toBe(400);
    expectInvalid(await post({ since: at, until: new Date(gw.clock.now() - 1000).toISOString() }), "Parameter 'until' must not be before 'since'.");
    expect((await post({ since: at, webhook_id: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });

  it('refuses to redeliver a delivery whose webhook was deleted', async () => {
    const { t, sub, customerWrites, list } = await world();
    receiver.respond = () => 200;
    await customerWrites('wamid.ORPHAN');
    await newWorker(gw).runOnce();
    const [delivery] = await list();
    await gw.deps.database.db.deleteFrom('webhooks').where('id', '=', sub.id).execute();
    expect((await list())[0]).toMatchObject({ id: delivery?.id, webhook_id: sub.id, webhook_url: null });

    const res = await api(gw, t.apiKey, 'POST', `${DELIVERIES}/${delivery?.id}/redeliver`);
    expectGraphError(res, { status: 409, message: '(#100) Conflict', details: `The webhook of delivery ${delivery?.id} was deleted; it cannot be redelivered.` });
    expect((await api(gw, t.apiKey, 'POST', `${DELIVERIES}/redeliver`, { since: '2000-01-01T00:00:00Z', status: 'delivered' })).json()).toEqual({ data: { redelivered: 0 } });
  });
});
