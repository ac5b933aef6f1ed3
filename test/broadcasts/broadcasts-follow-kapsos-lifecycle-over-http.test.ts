import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { platform, saleComponents, seedTemplate } from '../helpers/broadcasts.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe.each(dialects)('Kapso broadcasts over HTTP (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  async function draft(t: { apiKey: string; phoneNumberId: string; wabaId: string }, name = 'Weekend Sale 2025') {
    const template = seedTemplate(env, t.wabaId);
    const res = await platform(env, t.apiKey, 'POST', '/broadcasts', { whatsapp_broadcast: { name, phone_number_id: t.phoneNumberId, whatsapp_template_id: template.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.data.id as string, template };
  }
  const recipients = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ phone_number: `+1415555${String(offset + i).padStart(4, '0')}`, components: saleComponents(`Name${offset + i}`) }));

  it('creates a draft holding the template read from the WABA through Meta, every key present', async () => {
    const t = await env.newTenant();
    const { id, template } = await draft(t);
    const got = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual({
      id,
      name: 'Weekend Sale 2025',
      status: 'draft',
      phone_number_id: t.phoneNumberId,
      whatsapp_template: { id: template.id, meta_template_id: template.id, name: template.name, language_code: 'en_US', category: 'MARKETING', status: 'approved', components: template.components },
      scheduled_at: null,
      started_at: null,
      stopped_at: null,
      completed_at: null,
      created_at: expect.stringMatching(SECOND),
      updated_at: expect.stringMatching(SECOND),
      total_recipients: 0,
      sent_count: 0,
      failed_count: 0,
      delivered_count: 0,
      read_count: 0,
      responded_count: 0,
      pending_count: 0,
      response_rate: 0,
    });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('adds recipients, skipping duplicates and reporting each invalid one by its 1-based position', async () => {
    const t = await env.newTenant();
    const { id } = await draft(t);
    const batch = [
      ...recipients(3),
      { phone_number: '+14155550000', components: saleComponents('Again') }, // repeats the first
      { phone_number: '+1415555', components: saleComponents('Short') },
      { phone_number: '+14155559999', components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Only one' }] }] },
    ];
    const res = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: batch } });
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      added: 3,
      duplicates: 1,
      suppressed: 0,
      errors: ['Recipient 5: invalid phone number format', 'Recipient 6: template parameters invalid - requires 2 parameters but got 1'],
    });
    // Adding the same numbers again adds none.
    const again = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: recipients(4) } });
    expect(again.body.data).toMatchObject({ added: 1, duplicates: 3 });

    const list = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients?per_page=3&page=2`);
    expect(list.body.meta).toEqual({ page: 2, per_page: 3, total_pages: 2, total_count: 4 });
    expect(list.body.data).toEqual([
      {
        id: expect.any(String),
        phone_number: '14155550003',
        status: 'pending',
        sent_at: null,
        delivered_at: null,
        read_at: null,
        responded_at: null,
        failed_at: null,
        error_message: null,
        error_details: null,
        template_components: saleComponents('Name3'),
        wamid: null,
        created_at: expect.stringMatching(SECOND),
        updated_at: expect.stringMatching(SECOND),
      },
    ]);
    const got = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}`);
    expect(got.body.data).toMatchObject({ total_recipients: 4, pending_count: 4, sent_count: 0 });
  });

  it('sends: 202, status sending with started_at, recipients left pending for the worker', async () => {
    const t = await env.newTenant();
    const { id } = await draft(t);
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: recipients(2) } });
    const sent = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ data: { id, status: 'sending', scheduled_at: null, started_at: expect.stringMatching(SECOND), completed_at: null } });
    const list = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients`);
    expect(list.body.data.map((r: { status: string }) => r.status)).toEqual(['pending', 'pending']);
    // Stop (T7): stopped_at set, pending recipients stay pending.
    const stopped = await platform(env, t.apiKey, 'PATCH', `/broadcasts/${id}`, { whatsapp_broadcast: { status: 'stopped' } });
    expect(stopped.status).toBe(200);
    expect(stopped.body.data).toMatchObject({ id, status: 'stopped', stopped_at: expect.stringMatching(SECOND), pending_count: 2 });
  });

  it('schedules for a future time, then cancels (or PATCHes draft) back to draft with the schedule cleared', async () => {
    const t = await env.newTenant();
    const { id } = await draft(t);
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: recipients(1) } });
    const at = new Date(env.gw.clock.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const scheduled = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/schedule`, { scheduled_at: at });
    expect(scheduled.status).toBe(202);
    expect(scheduled.body.data).toEqual({ id, status: 'scheduled', scheduled_at: at, started_at: null, completed_at: null });
    // Recipients may still be added while scheduled; it stays scheduled.
    const more = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: recipients(1, 10) } });
    expect(more.body.data.added).toBe(1);
    const cancelled = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toEqual({ id, status: 'draft', scheduled_at: null, started_at: null, completed_at: null });

    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/schedule`, { scheduled_at: at });
    const unscheduled = await platform(env, t.apiKey, 'PATCH', `/broadcasts/${id}`, { whatsapp_broadcast: { status: 'draft' } });
    expect(unscheduled.body.data).toMatchObject({ status: 'draft', scheduled_at: null, total_recipients: 2 });
  });

  it('clears recipients of a scheduled broadcast, returning it to draft with zero counts', async () => {
    const t = await env.newTenant();
    const { id } = await draft(t);
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: recipients(3) } });
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/schedule`, { scheduled_at: '2099-01-01T00:00:00+02:00' });
    const cleared = await platform(env, t.apiKey, 'DELETE', `/broadcasts/${id}/recipients`);
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ id, status: 'draft', scheduled_at: null, total_recipients: 0, pending_count: 0 });
    expect((await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients`)).body).toEqual({ data: [], meta: { page: 1, per_page: 20, total_pages: 0, total_count: 0 } });
  });

  it('lists the project’s broadcasts most recent first, filtered by number and status, paged', async () => {
    const t = await env.newTenant();
    const first = await draft(t, 'first');
    env.gw.clock.advance(1000);
    const second = await draft(t, 'second');
    await platform(env, t.apiKey, 'POST', `/broadcasts/${first.id}/recipients`, { whatsapp_broadcast: { recipients: recipients(1) } });
    await platform(env, t.apiKey, 'POST', `/broadcasts/${first.id}/send`);
    const all = await platform(env, t.apiKey, 'GET', '/broadcasts');
    expect(all.body.data.map((b: { id: string }) => b.id)).toEqual([second.id, first.id]);
    expect(all.body.meta).toEqual({ page: 1, per_page: 20, total_pages: 1, total_count: 2 });
    const sending = await platform(env, t.apiKey, 'GET', `/broadcasts?status=sending&phone_number_id=${t.phoneNumberId}`);
    expect(sending.body.data.map((b: { id: string }) => b.id)).toEqual([first.id]);
    const page2 = await platform(env, t.apiKey, 'GET', '/broadcasts?per_page=1&page=2');
    expect(page2.body).toMatchObject({ data: [{ id: first.id }], meta: { page: 2, per_page: 1, total_pages: 2, total_count: 2 } });
    expect((await platform(env, t.apiKey, 'GET', '/broadcasts?page=9')).body.data).toEqual([]);
  });
});
