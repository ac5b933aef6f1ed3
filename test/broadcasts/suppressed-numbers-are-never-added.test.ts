import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { platform, saleComponents, seedTemplate } from '../helpers/broadcasts.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

describe.each(dialects)('the project’s broadcast suppression list (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const suppress = (apiKey: string, phone: string, reason?: string) => platform(env, apiKey, 'POST', '/broadcast_suppressions', { whatsapp_suppression: { phone_number: phone, ...(reason ? { reason } : {}) } });

  it('adds, lists and removes numbers; adding one again keeps its first entry', async () => {
    const t = await env.newTenant();
    const added = await suppress(t.apiKey, '+1 415 555 0123', 'marketing_opt_out');
    expect(added.status).toBe(201);
    expect(added.body.data).toEqual({ phone_number: '14155550123', reason: 'marketing_opt_out', error_code: null, source: 'api', created_at: expect.any(String) });
    const again = await suppress(t.apiKey, '+14155550123', 'manual');
    expect([again.status, again.body.data.reason]).toEqual([200, 'marketing_opt_out']);
    await suppress(t.apiKey, '+14155550124');
    const list = await platform(env, t.apiKey, 'GET', '/broadcast_suppressions?per_page=1');
    expect(list.body.meta).toEqual({ page: 1, per_page: 1, total_pages: 2, total_count: 2 });
    expect((await platform(env, t.apiKey, 'DELETE', '/broadcast_suppressions/+14155550123')).body).toEqual({ data: { phone_number: '14155550123', removed: true } });
    expect((await platform(env, t.apiKey, 'DELETE', '/broadcast_suppressions/14155550123')).body).toEqual({ error: { message: 'Suppression not found', type: 'GraphMethodException', code: 100, fbtrace_id: expect.any(String) } });
    expect((await suppress(t.apiKey, 'nope')).body.error.message).toBe('Invalid phone number format');
    expect((await suppress(t.apiKey, '+14155550125', 'because')).status).toBe(422);
  });

  it('skips and reports suppressed recipients; another project’s list does not apply', async () => {
    const t = await env.newTenant();
    const other = await env.newTenant();
    await suppress(t.apiKey, '+14155550200', 'marketing_opt_out');
    await suppress(other.apiKey, '+14155550201', 'marketing_opt_out');
    const created = await platform(env, t.apiKey, 'POST', '/broadcasts', { whatsapp_broadcast: { name: 's', phone_number_id: t.phoneNumberId, whatsapp_template_id: seedTemplate(env, t.wabaId).id } });
    const id = created.body.data.id as string;
    const recipients = ['+14155550200', '+14155550201'].map((phone_number) => ({ phone_number, components: saleComponents('x') }));
    const res = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients } });
    expect(res.body.data).toEqual({ added: 1, duplicates: 0, suppressed: 1, errors: ['Recipient 1: phone number is on the suppression list (marketing_opt_out)'] });
    expect((await platform(env, other.apiKey, 'GET', '/broadcast_suppressions')).body.data.map((s: { phone_number: string }) => s.phone_number)).toEqual(['14155550201']);
  });
});
