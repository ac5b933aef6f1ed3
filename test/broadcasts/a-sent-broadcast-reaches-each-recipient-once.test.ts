import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { platform } from '../helpers/broadcasts.ts';
import { acceptedPerCustomer, broadcastOf, draftBroadcast, saleRecipients, startBroadcastWorkers } from '../helpers/broadcast-worker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

describe.each(dialects)('a broadcast that is sent (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let workers: { stop(): Promise<void> };
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, {}, {}, { isolated: true });
    workers = startBroadcastWorkers(env);
  });
  afterAll(async () => {
    await workers.stop();
    await env.close();
  });

  it('reaches each recipient exactly once, follows their receipts and completes', async () => {
    const t = await env.newTenant();
    const id = await draftBroadcast(env, t, saleRecipients(40));
    expect((await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`)).status).toBe(202);
    await waitFor('every recipient delivered and read, the broadcast completed', async () => {
      const b = await broadcastOf(env, t.apiKey, id);
      return b.status === 'completed' && b.read_count === 40;
    });
    const b = await broadcastOf(env, t.apiKey, id);
    expect(b).toMatchObject({ total_recipients: 40, pending_count: 0, sent_count: 40, failed_count: 0, delivered_count: 40, read_count: 40, completed_at: expect.any(String) });
    const perCustomer = acceptedPerCustomer(env, t.phoneNumberId);
    expect(perCustomer.size).toBe(40);
    expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);

    const page = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients?per_page=100`);
    for (const r of page.body.data) expect(r).toMatchObject({ status: 'sent', wamid: expect.stringMatching(/^wamid\./), sent_at: expect.any(String), delivered_at: expect.any(String), read_at: expect.any(String), failed_at: null });
    // The broadcast's messages are in the history like any other send, with the recipient's variables.
    const first = page.body.data[0];
    const message = await fetch(`${env.gatewayUrl}/v24.0/${t.phoneNumberId}/messages/${first.wamid}`, { headers: { 'x-api-key': t.apiKey } });
    expect(message.status).toBe(200);
    const stored = await message.json();
    expect(stored).toMatchObject({ id: first.wamid, type: 'template', to: first.phone_number });
    expect(JSON.stringify(stored.template)).toContain(first.template_components[0].parameters[0].text);
  });

  it('starts a scheduled broadcast by itself when its time comes, not before', async () => {
    const t = await env.newTenant();
    const id = await draftBroadcast(env, t, saleRecipients(2, 600));
    const at = new Date(env.gw.clock.now() + 60_000).toISOString();
    expect((await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/schedule`, { scheduled_at: at })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ status: 'scheduled', sent_count: 0 });
    env.gw.clock.advance(60_000);
    await waitFor('the broadcast started and completed', async () => (await broadcastOf(env, t.apiKey, id)).status === 'completed');
    expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ sent_count: 2, started_at: expect.any(String) });
  });

  it('counts a recipient who writes back after the broadcast as responded, once', async () => {
    const t = await env.newTenant();
    const id = await draftBroadcast(env, t, saleRecipients(3, 100));
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    await waitFor('the broadcast completed', async () => (await broadcastOf(env, t.apiKey, id)).status === 'completed');
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: '14157770101', profile_name: 'Name101', message: { type: 'text', text: { body: 'Yes please' } } });
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: '14157770101', profile_name: 'Name101', message: { type: 'text', text: { body: 'and again' } } });
    await waitFor('the reply counted', async () => (await broadcastOf(env, t.apiKey, id)).responded_count === 1);
    const page = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients`);
    expect(page.body.data.map((r: { phone_number: string; responded_at: string | null }) => [r.phone_number, r.responded_at !== null])).toEqual([
      ['14157770100', false],
      ['14157770101', true],
      ['14157770102', false],
    ]);
    // A second message from the same customer is not a second response.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ responded_count: 1, response_rate: 33.3 });
  });

  it('records refusals with Meta’s reason and keeps opted-out and unknown numbers off later broadcasts', async () => {
    const t = await env.newTenant();
    env.sim.setRecipient('14157770200', { on_whatsapp: false });
    env.sim.setRecipient('14157770201', { marketing_opt_out: true });
    const id = await draftBroadcast(env, t, saleRecipients(3, 200));
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    await waitFor('the broadcast completed with two failures', async () => {
      const b = await broadcastOf(env, t.apiKey, id);
      return b.status === 'completed' && b.failed_count === 2;
    });
    expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ total_recipients: 3, sent_count: 1, failed_count: 2, pending_count: 0 });
    const page = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients`);
    const [unknown, optedOut, reached] = page.body.data;
    expect(unknown).toMatchObject({ status: 'failed', failed_at: expect.any(String), error_details: { error_code: '131026' }, error_message: expect.any(String) });
    expect(optedOut).toMatchObject({ status: 'failed', error_details: { error_code: '131050' } });
    expect(reached).toMatchObject({ status: 'sent', failed_at: null });
    const listed = await platform(env, t.apiKey, 'GET', '/broadcast_suppressions');
    expect(listed.body.data.map((s: { phone_number: string; reason: string; source: string }) => [s.phone_number, s.reason, s.source]).sort()).toEqual([
      ['14157770200', 'not_on_whatsapp', 'worker'],
      ['14157770201', 'marketing_opt_out', 'worker'],
    ]);
    // The next broadcast leaves them out when they are added.
    const next = await draftBroadcast(env, t, []);
    const added = await platform(env, t.apiKey, 'POST', `/broadcasts/${next}/recipients`, { whatsapp_broadcast: { recipients: saleRecipients(3, 200) } });
    expect(added.body.data).toMatchObject({ added: 1, suppressed: 2 });
  });

  it('sends nothing more once stopped: the recipients not yet handed to Meta stay pending', async () => {
    const t = await env.newTenant();
    await env.gw.deps.database.db.updateTable('phone_numbers').set({ max_messages_per_second: 5 }).where('id', '=', t.phoneNumberId).execute();
    const id = await draftBroadcast(env, t, saleRecipients(60, 300));
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    await waitFor('a few sent', async () => Number((await broadcastOf(env, t.apiKey, id)).sent_count) >= 3);
    const stopped = await platform(env, t.apiKey, 'PATCH', `/broadcasts/${id}`, { whatsapp_broadcast: { status: 'stopped' } });
    expect(stopped.status).toBe(200);
    // Sends already handed to Meta finish; then nothing moves.
    let settled = -1;
    await waitFor('sends settled after the stop', async () => {
      const total = [...acceptedPerCustomer(env, t.phoneNumberId).values()].reduce((a, b) => a + b, 0);
      const b = await broadcastOf(env, t.apiKey, id);
      const done = total === settled && total === b.sent_count;
      settled = total;
      return done;
    }, { intervalMs: 400 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const after = await broadcastOf(env, t.apiKey, id);
    expect([...acceptedPerCustomer(env, t.phoneNumberId).values()].reduce((a, b) => a + b, 0)).toBe(settled);
    expect(after).toMatchObject({ status: 'stopped', sent_count: settled, stopped_at: expect.any(String), completed_at: null });
    expect(after.pending_count).toBe(60 - settled);
    expect(settled).toBeLessThan(60);
  });
});
