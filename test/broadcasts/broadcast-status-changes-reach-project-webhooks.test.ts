import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { platform } from '../helpers/broadcasts.ts';
import { broadcastOf, draftBroadcast, saleRecipients, startBroadcastWorkers } from '../helpers/broadcast-worker.ts';
import { subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

describe.each(dialects)('broadcast webhooks (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let receiver: Receiver;
  let workers: { stop(): Promise<void> };
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, {}, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { isolated: true });
    receiver = await startReceiver();
    workers = startBroadcastWorkers(env);
  });
  afterAll(async () => {
    await workers.stop();
    await receiver.close();
    await env.close();
  });

  it('tell a project webhook when a broadcast starts and completes, with its counts at that moment', async () => {
    const t = await env.newTenant();
    await subscribe(env.gw, { projectId: t.projectId, phoneNumberId: null, url: receiver.url, events: ['whatsapp.broadcast.started', 'whatsapp.broadcast.completed'] });
    const id = await draftBroadcast(env, t, saleRecipients(3, 700));
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    const [started, completed] = await receiver.waitFor(2, 20_000);
    expect(started!.headers['x-webhook-event']).toBe('whatsapp.broadcast.started');
    expect(started!.json.broadcast).toMatchObject({ id, status: 'sending', total_recipients: 3, pending_count: 3, sent_count: 0, started_at: expect.any(String) });
    expect(completed!.headers['x-webhook-event']).toBe('whatsapp.broadcast.completed');
    expect(completed!.json.broadcast).toMatchObject({ id, status: 'completed', pending_count: 0, sent_count: 3, completed_at: expect.any(String) });
    expect((await broadcastOf(env, t.apiKey, id)).status).toBe('completed');
  });

  it('tell it when a broadcast is stopped', async () => {
    const t = await env.newTenant();
    await subscribe(env.gw, { projectId: t.projectId, phoneNumberId: null, url: receiver.url, events: ['whatsapp.broadcast.stopped'] });
    const id = await draftBroadcast(env, t, saleRecipients(2, 800));
    const before = receiver.requests.length;
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    await platform(env, t.apiKey, 'PATCH', `/broadcasts/${id}`, { whatsapp_broadcast: { status: 'stopped' } });
    const got = await receiver.waitFor(before + 1, 20_000);
    const stopped = got.slice(before).find((r) => r.headers['x-webhook-event'] === 'whatsapp.broadcast.stopped');
    expect(stopped?.json.broadcast).toMatchObject({ id, status: 'stopped', stopped_at: expect.any(String) });
  });
});
