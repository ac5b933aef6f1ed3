import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { postWebhook } from '../helpers/factories.ts';
import { METRICS_TOKEN, scrape, type Scrape } from '../helpers/metrics.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';
const SEND_ROUTE = { route: '/:version/:phoneNumberId/messages', method: 'POST', status: '200' };
const INGEST_ROUTE = { route: '/webhooks/whatsapp', method: 'POST', status: '200' };

describe.each(dialects)('/metrics after a send, an ingest and a webhook delivery (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let receiver: Receiver;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, {}, { METRICS_TOKEN, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { isolated: true });
    t = await env.newTenant();
    // The customer writes first (through the simulator), so the 24-hour window is open for a text.
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'hello' } } });
    await env.sim.flush();
    receiver = await startReceiver();
    await subscribe(env.gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
  });
  afterAll(async () => {
    await receiver.close();
    await env.close();
  });

  /** How much each named sample moved between two scrapes. */
  const moved = (before: Scrape, after: Scrape, sample: string, labels: Record<string, string> = {}) => after.total(sample, labels) - before.total(sample, labels);
  const customerWrites = (wamid: string) =>
    postWebhook(env.gw, messagesWebhook(t.phoneNumberId, [textMessage(wamid, `text of ${wamid}`, Math.floor(env.gw.clock.now() / 1000), CUSTOMER)], CUSTOMER), t.appSecret);

  it('counts a webhook Meta sends twice as two payloads, one stored message and one duplicate', async () => {
    const before = await scrape(env.gw);
    expect((await customerWrites('wamid.METRICS-1')).statusCode).toBe(200);
    expect((await customerWrites('wamid.METRICS-1')).statusCode).toBe(200);
    const after = await scrape(env.gw);

    expect(moved(before, after, 'switchboard_ingest_payloads_total')).toBe(2);
    expect(moved(before, after, 'switchboard_ingest_messages_total', { result: 'stored' })).toBe(1);
    expect(moved(before, after, 'switchboard_ingest_messages_total', { result: 'duplicate' })).toBe(1);
    // Each POST was awaited before the next: two transactions of one payload each.
    expect(moved(before, after, 'switchboard_ingest_batch_payloads_count')).toBe(2);
    expect(moved(before, after, 'switchboard_ingest_batch_payloads_bucket', { le: '1' })).toBe(2);
    expect(moved(before, after, 'switchboard_http_requests_total', INGEST_ROUTE)).toBe(2);
    expect(moved(before, after, 'switchboard_http_request_duration_seconds_count', INGEST_ROUTE)).toBe(2);
    expect(moved(before, after, 'switchboard_db_query_duration_seconds_count', { dialect })).toBeGreaterThan(0);
  });

  it('counts a send under its route pattern, never its URL, and the statuses Meta sends back', async () => {
    const before = await scrape(env.gw);
    const res = await env.gw.app.inject({
      method: 'POST',
      url: `/v24.0/${t.phoneNumberId}/messages`,
      headers: { 'x-api-key': t.apiKey },
      payload: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'metrics' } },
    });
    expect(res.statusCode).toBe(200);
    await env.sim.flush();
    const after = await scrape(env.gw);

    expect(moved(before, after, 'switchboard_http_requests_total', SEND_ROUTE)).toBe(1);
    expect(moved(before, after, 'switchboard_http_request_duration_seconds_count', SEND_ROUTE)).toBe(1);
    const routes = after.family('switchboard_http_requests_total')?.samples.map((s) => s.labels.route) ?? [];
    expect(routes.some((route) => route?.includes(t.phoneNumberId))).toBe(false);
    // The simulator answers a text with sent, delivered and read.
    expect(moved(before, after, 'switchboard_ingest_statuses_total', { result: 'stored' })).toBe(3);
    expect(moved(before, after, 'switchboard_db_query_duration_seconds_count', { dialect, operation: 'select' })).toBeGreaterThan(0);
  });

  it('reports the outbox backlog and its age, then counts each delivery attempt by outcome', async () => {
    env.gw.clock.advance(30_000);
    const waiting = await scrape(env.gw);
    expect(waiting.total('switchboard_outbox_undispatched_events') + waiting.total('switchboard_outbox_pending_deliveries')).toBeGreaterThan(0);
    expect(waiting.total('switchboard_outbox_oldest_undelivered_event_age_seconds')).toBeGreaterThanOrEqual(30);

    const worker = newWorker(env.gw);
    await worker.runOnce();
    await receiver.waitFor(1);
    const delivered = await scrape(env.gw);
    expect(moved(waiting, delivered, 'switchboard_webhook_delivery_attempts_total', { outcome: 'delivered' })).toBe(receiver.requests.length);
    expect(delivered.total('switchboard_outbox_undispatched_events')).toBe(0);
    expect(delivered.total('switchboard_outbox_pending_deliveries')).toBe(0);
    expect(delivered.total('switchboard_outbox_oldest_undelivered_event_age_seconds')).toBe(0);

    receiver.respond = () => 500;
    const requestsBefore = receiver.requests.length;
    await customerWrites('wamid.METRICS-2');
    await worker.runOnce();
    await receiver.waitFor(requestsBefore + 1);
    const failed = await scrape(env.gw);
    expect(moved(delivered, failed, 'switchboard_webhook_delivery_attempts_total', { outcome: 'http_status' })).toBe(1);
    expect(failed.total('switchboard_outbox_pending_deliveries')).toBe(1);
    await worker.stop(1_000);
  });

  it('exposes the media queue, broadcast and governor metrics and Node\'s own, every family once', async () => {
    const s = await scrape(env.gw);
    expect(s.total('switchboard_media_queue_depth')).toBe(0);
    expect(s.total('switchboard_broadcast_recipients_pending')).toBe(0);
    for (const name of ['switchboard_send_governor_refusals_total', 'switchboard_send_governor_waits_total', 'switchboard_broadcast_sends_total', 'switchboard_broadcast_status_updates_total', 'switchboard_media_downloads_total']) {
      expect(s.family(name)?.type).toBe('counter');
    }
    expect(s.family('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(s.family('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    expect(new Set(s.families.map((f) => f.name)).size).toBe(s.families.length);
    if (dialect === 'postgres') expect(s.family('switchboard_db_pool_waiting')?.samples).toEqual([{ name: 'switchboard_db_pool_waiting', labels: {}, value: 0 }]);
    else expect(s.family('switchboard_db_pool_connections')).toBeUndefined();
  });
});
