import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { platform, saleComponents, seedTemplate } from '../helpers/broadcasts.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

describe.each(dialects)('broadcasts refuse what Kapso refuses, with Kapso’s statuses in the envelope (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  const create = (t: Tenant, phoneNumberId: string, templateId: string) =>
    platform(env, t.apiKey, 'POST', '/broadcasts', { whatsapp_broadcast: { name: 'x', phone_number_id: phoneNumberId, whatsapp_template_id: templateId } });
  const recipient = (i: number) => ({ phone_number: `+4477009${String(i).padStart(5, '0')}`, components: saleComponents(`N${i}`) });
  async function draftWith(t: Tenant, count: number) {
    const res = await create(t, t.phoneNumberId, seedTemplate(env, t.wabaId).id);
    const id = res.body.data.id as string;
    if (count > 0) await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: Array.from({ length: count }, (_, i) => recipient(i)) } });
    return id;
  }

  it('answers 401 in the envelope ("Invalid or missing API key") for no key and a wrong key', async () => {
    for (const headers of [{}, { 'x-api-key': 'sbk_nope_nope' }] as Array<Record<string, string>>) {
      const res = await fetch(`${env.gatewayUrl}/platform/v1/whatsapp/broadcasts`, { headers });
      expect(res.status).toBe(401);
      expect((await res.json()).error.message).toBe('Invalid or missing API key');
    }
  });

  it("answers another project's broadcast exactly like an unknown one, on every route, and changes nothing", async () => {
    const mine = await env.newTenant();
    const theirs = await env.newTenant();
    const foreign = await draftWith(theirs, 2);
    const unknown = '00000000-0000-7000-8000-000000000000';
    const calls: Array<[string, string, unknown?]> = [
      ['GET', ''],
      ['PATCH', '', { whatsapp_broadcast: { status: 'stopped' } }],
      ['GET', '/recipients'],
      ['POST', '/recipients', { whatsapp_broadcast: { recipients: [recipient(9)] } }],
      ['DELETE', '/recipients'],
      ['POST', '/send'],
      ['POST', '/schedule', { scheduled_at: '2099-01-01T00:00:00Z' }],
      ['POST', '/cancel'],
    ];
    for (const [method, suffix, body] of calls) {
      const a = await platform(env, mine.apiKey, method, `/broadcasts/${foreign}${suffix}`, body);
      const b = await platform(env, mine.apiKey, method, `/broadcasts/${unknown}${suffix}`, body);
      expect([a.status, a.body], `${method} ${suffix}`).toEqual([404, { error: { message: 'Broadcast not found', type: 'GraphMethodException', code: 100, fbtrace_id: expect.any(String) } }]);
      // The same answer but for the request's own id.
      expect([b.status, b.body]).toEqual([a.status, { error: { ...a.body.error, fbtrace_id: expect.any(String) } }]);
    }
    expect((await platform(env, mine.apiKey, 'GET', '/broadcasts')).body.meta.total_count).toBe(0);
    expect((await platform(env, theirs.apiKey, 'GET', `/broadcasts/${foreign}`)).body.data).toMatchObject({ status: 'draft', total_recipients: 2 });
  });

  it("refuses another project's number and template like unknown ones (422), and an unapproved or missing template", async () => {
    const mine = await env.newTenant();
    const theirs = await env.newTenant();
    const myTemplate = seedTemplate(env, mine.wabaId);
    const foreignNumber = await create(mine, theirs.phoneNumberId, myTemplate.id);
    const unknownNumber = await create(mine, '100000000000001', myTemplate.id);
    expect([foreignNumber.status, foreignNumber.body.error.message]).toEqual([422, 'Phone number not found']);
    expect(unknownNumber.body).toEqual({ error: { message: 'Phone number not found', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: 'No phone number 100000000000001 in this project.' }, fbtrace_id: expect.any(String) } });
    expect(foreignNumber.body.error.error_data.details).toBe(`No phone number ${theirs.phoneNumberId} in this project.`);

    // Their template is under their WABA: Meta's listing of mine does not have it.
    const foreignTemplate = await create(mine, mine.phoneNumberId, seedTemplate(env, theirs.wabaId).id);
    const unknownTemplate = await create(mine, mine.phoneNumberId, '1234567890123456');
    expect([foreignTemplate.status, foreignTemplate.body.error.message]).toEqual([422, 'Template not found']);
    expect(foreignTemplate.body.error.message).toBe(unknownTemplate.body.error.message);
    expect((await create(mine, mine.phoneNumberId, 'not-a-meta-id')).body.error.message).toBe('Template not found');

    const pending = await create(mine, mine.phoneNumberId, seedTemplate(env, mine.wabaId, { status: 'PENDING' }).id);
    expect([pending.status, pending.body.error.message]).toEqual([422, 'Template is not approved']);
    const missingField = await platform(env, mine.apiKey, 'POST', '/broadcasts', { whatsapp_broadcast: { name: 'x', phone_number_id: mine.phoneNumberId } });
    expect(missingField.status).toBe(422);
    expect(missingField.body.error.message).toBe('Invalid parameters');
    expect((await platform(env, mine.apiKey, 'GET', '/broadcasts')).body.meta.total_count).toBe(0);
  });

  it('refuses 1,001 recipients in one call, storing none; accepts exactly 1,000', async () => {
    const t = await env.newTenant();
    const id = await draftWith(t, 0);
    const many = (n: number) => Array.from({ length: n }, (_, i) => recipient(i));
    const over = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: many(1001) } });
    expect([over.status, over.body.error.message]).toEqual([422, 'Cannot add more than 1000 recipients per request']);
    expect((await platform(env, t.apiKey, 'GET', `/broadcasts/${id}`)).body.data.total_recipients).toBe(0);
    const exact = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: many(1000) } });
    expect(exact.body.data).toEqual({ added: 1000, duplicates: 0, suppressed: 0, errors: [] });
    expect((await platform(env, t.apiKey, 'GET', `/broadcasts/${id}`)).body.data).toMatchObject({ total_recipients: 1000, pending_count: 1000 });
    // 1,000 recipients with long variables fit this call's 4 MB limit, above the app's 1 MB.
    const long = Array.from({ length: 1000 }, (_, i) => ({ phone_number: `+4477019${String(i).padStart(5, '0')}`, components: saleComponents('x'.repeat(1000), 'y'.repeat(1000)) }));
    expect((await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: long } })).body.data.added).toBe(1000);
    const missing = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: {} });
    expect([missing.status, missing.body.error.message]).toEqual([422, 'Invalid parameters']);
  });

  it('reports each recipient whose variables do not fit the template, and stores only the valid ones', async () => {
    const t = await env.newTenant();
    const id = await draftWith(t, 0);
    const body = (parameters: unknown[]) => [{ type: 'body', parameters }, saleComponents('x')[1]];
    const batch = [
      { phone_number: '+14155550101', components: body([{ type: 'text', parameter_name: 'first_name', text: 'A' }, { type: 'text', parameter_name: 'nope', text: 'B' }]) },
      { phone_number: '+14155550102', components: body([{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }]) },
      { phone_number: '+14155550103', components: [saleComponents('x')[0]] },
      { phone_number: '+14155550104', components: [...saleComponents('x'), { type: 'footer', parameters: [] }] },
      { phone_number: '+14155550105', components: 'body' },
      { phone_number: '+14155550106', components: body([{ type: 'text', parameter_name: 'first_name', text: '' }, { type: 'text', parameter_name: 'code', text: 'B' }]) },
      { phone_number: 14155550107, components: saleComponents('x') },
      { phone_number: '+14155550108', components: saleComponents('Fine') },
    ];
    const res = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: batch } });
    expect(res.body.data).toEqual({
      added: 1,
      duplicates: 0,
      suppressed: 0,
      errors: [
        "Recipient 1: body parameter 2 must name one of the template's parameters (first_name, code)",
        "Recipient 2: body parameter 1 must name one of the template's parameters (first_name, code)",
        'Recipient 3: template button 0 (url) needs a parameter',
        'Recipient 4: component type "footer" is not header, body or button',
        'Recipient 5: components must be an array',
        'Recipient 6: body parameter 1 needs a non-empty text',
        'Recipient 7: invalid phone number format',
      ],
    });
    const list = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients`);
    expect(list.body.data.map((r: { phone_number: string }) => r.phone_number)).toEqual(['14155550108']);
  });

  it.each([
    ['send', 'POST', '/send', undefined],
    ['schedule', 'POST', '/schedule', { scheduled_at: '2099-01-01T00:00:00Z' }],
  ])('refuses to %s a broadcast with no recipients', async (_name, method, suffix, body) => {
    const t = await env.newTenant();
    const id = await draftWith(t, 0);
    expect(await platform(env, t.apiKey, method, `/broadcasts/${id}${suffix}`, body)).toEqual({ status: 422, body: { error: { message: 'Broadcast has no recipients', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: expect.any(String) }, fbtrace_id: expect.any(String) } } });
  });

  it('refuses every transition §3 does not allow with a 422 saying why, leaving the broadcast as it was', async () => {
    const t = await env.newTenant();
    const id = await draftWith(t, 1);
    const expectRefused = async (method: string, suffix: string, body: unknown, error: string) => {
      const res = await platform(env, t.apiKey, method, `/broadcasts/${id}${suffix}`, body);
      expect([res.status, res.body.error.message], `${method} ${suffix}`).toEqual([422, error]);
      expect(typeof res.body.error.error_data.details).toBe('string');
    };
    // draft
    await expectRefused('POST', '/cancel', undefined, 'Broadcast is not scheduled');
    await expectRefused('PATCH', '', { whatsapp_broadcast: { status: 'stopped' } }, 'Broadcast is not sending');
    await expectRefused('PATCH', '', { whatsapp_broadcast: { status: 'draft' } }, 'Broadcast is not scheduled');
    await expectRefused('PATCH', '', { whatsapp_broadcast: { status: 'completed' } }, 'Invalid parameters');
    await expectRefused('POST', '/schedule', { scheduled_at: '2020-01-01T00:00:00Z' }, 'scheduled_at must be in the future');
    await expectRefused('POST', '/schedule', { scheduled_at: '2099-01-01T00:00:00' }, 'Invalid scheduled_at');
    await expectRefused('POST', '/schedule', {}, 'Invalid parameters');
    // scheduled
    expect((await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/schedule`, { scheduled_at: '2099-01-01T00:00:00Z' })).status).toBe(202);
    await expectRefused('POST', '/send', undefined, 'Broadcast is already scheduled');
    await expectRefused('POST', '/schedule', { scheduled_at: '2099-01-02T00:00:00Z' }, 'Broadcast is already scheduled');
    await expectRefused('PATCH', '', { whatsapp_broadcast: { status: 'stopped' } }, 'Broadcast is not sending');
    expect((await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/cancel`)).status).toBe(200);
    // sending
    expect((await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`)).status).toBe(202);
    await expectRefused('POST', '/send', undefined, 'Broadcast is already sending');
    await expectRefused('POST', '/schedule', { scheduled_at: '2099-01-01T00:00:00Z' }, 'Broadcast is already sending');
    await expectRefused('POST', '/cancel', undefined, 'Broadcast is not scheduled');
    await expectRefused('POST', '/recipients', { whatsapp_broadcast: { recipients: [recipient(5)] } }, 'Cannot add recipients to broadcast in sending status');
    await expectRefused('DELETE', '/recipients', undefined, 'Cannot clear recipients of broadcast in sending status');
    // stopped: terminal
    expect((await platform(env, t.apiKey, 'PATCH', `/broadcasts/${id}`, { whatsapp_broadcast: { status: 'stopped' } })).status).toBe(200);
    await expectRefused('POST', '/send', undefined, 'Broadcast is stopped');
    await expectRefused('PATCH', '', { whatsapp_broadcast: { status: 'stopped' } }, 'Broadcast is not sending');
    await expectRefused('POST', '/recipients', { whatsapp_broadcast: { recipients: [recipient(6)] } }, 'Cannot add recipients to broadcast in stopped status');
    expect((await platform(env, t.apiKey, 'GET', `/broadcasts/${id}`)).body.data).toMatchObject({ status: 'stopped', total_recipients: 1, pending_count: 1 });
  });

  it('answers malformed JSON with 400 "Invalid parameters"', async () => {
    const t = await env.newTenant();
    const res = await fetch(`${env.gatewayUrl}/platform/v1/whatsapp/broadcasts`, { method: 'POST', headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' }, body: '{"whatsapp_broadcast":' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('Invalid parameters');
  });
});
