import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, fbtrace, invalidParameter, NUMBER, send, startReceiver, startSimulator, T0, testClock } from './helpers.ts';

const auth = { authorization: `Bearer ${NUMBER.access_token}` };
const url = `/v24.0/${NUMBER.waba_id}/message_templates`;

// meta-cloud-api.md §6.1's example, named parameters.
const orderUpdate = {
  name: 'order_update',
  language: 'en_US',
  category: 'utility',
  parameter_format: 'named',
  components: [
    { type: 'header', format: 'image', example: { header_handle: ['4::aW1hZ2UvcG5n:EXAMPLEHANDLE'] } },
    { type: 'body', text: 'Hi {{first_name}}, order {{order_id}} has shipped.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Maya' }, { param_name: 'order_id', example: '4471' }] } },
    { type: 'footer', text: 'Reply STOP to opt out' },
    { type: 'buttons', buttons: [{ type: 'quick_reply', text: 'Stop promotions' }] },
  ],
};
const positional = { name: 'appointment', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'See you {{1}} at {{2}}.', example: { body_text: [['Monday', '9:00']] } }] };

describe('templates: create, list, delete and send (meta-cloud-api.md §6)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url, clock: testClock() });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const create = (body: unknown) => sim.app.inject({ method: 'POST', url, headers: auth, payload: body as object });
  const list = (query = '') => sim.app.inject({ method: 'GET', url: `${url}${query}`, headers: auth });
  const sendTemplate = (template: Record<string, unknown>) => send(sim, { messaging_product: 'whatsapp', to: CUSTOMER, type: 'template', template });

  it('creates as PENDING, then approves with a status webhook carrying numeric ids', async () => {
    const res = await create(orderUpdate);
    expect(res.json()).toEqual({ id: expect.stringMatching(/^\d{16}$/), status: 'PENDING', category: 'UTILITY' });
    await sim.flush();
    const id = res.json().id;
    expect(receiver.received[0]?.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: NUMBER.waba_id,
          time: Math.floor(T0 / 1000),
          changes: [
            {
              field: 'message_template_status_update',
              value: { event: 'APPROVED', message_template_id: Number(id), message_template_name: 'order_update', message_template_language: 'en_US', reason: 'NONE', message_template_category: 'UTILITY' },
            },
          ],
        },
      ],
    });
    expect((await sim.app.inject({ method: 'GET', url: `/v24.0/${id}?fields=status`, headers: auth })).json()).toEqual({ status: 'APPROVED', id });
  });

  it('rejects instead when the review outcome is REJECTED', async () => {
    await sim.close();
    sim = await startSimulator({ webhookUrl: receiver.url, templateReview: { outcome: 'REJECTED', delayMs: 1 } });
    await create(orderUpdate);
    await sim.flush();
    expect(receiver.received[0]?.body.entry[0]?.changes[0]?.value).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
  });

  it('lists with uppercase enums, the seeded hello_world, filters, fields and cursor paging', async () => {
    await create(orderUpdate);
    await create(positional);
    await sim.flush();
    const all = (await list()).json();
    expect(all.data.map((t: { name: string }) => t.name)).toEqual(['hello_world', 'order_update', 'appointment']);
    expect(all.data[1]).toEqual({
      name: 'order_update',
      parameter_format: 'NAMED',
      components: [
        expect.objectContaining({ type: 'HEADER', format: 'IMAGE' }),
        expect.objectContaining({ type: 'BODY' }),
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
      ],
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      id: expect.any(String),
    });
    expect((await list('?name=order&fields=name,status')).json().data).toEqual([{ name: 'order_update', status: 'APPROVED', id: expect.any(String) }]);
    const page1 = (await list('?limit=2&fields=name')).json();
    expect(page1.data.map((t: { name: string }) => t.name)).toEqual(['hello_world', 'order_update']);
    expect(page1.paging.next).toMatch(new RegExp(`^http://localhost(:\\d+)?/v24.0/${NUMBER.waba_id}/message_templates\\?`));
    const page2 = (await list(`?limit=2&fields=name&after=${page1.paging.cursors.after}`)).json();
    expect(page2.data.map((t: { name: string }) => t.name)).toEqual(['appointment']);
    expect(page2.paging.next).toBeUndefined();
  });

  it('deletes every language of a name, or one template by hsm_id', async () => {
    const en = (await create(positional)).json().id;
    await create({ ...positional, language: 'es' });
    await create({ ...positional, name: 'other' });
    const one = await sim.app.inject({ method: 'DELETE', url: `${url}?name=appointment&hsm_id=${en}`, headers: auth });
    expect(one.json()).toEqual({ success: true });
    expect((await list('?name=appointment')).json().data.map((t: { language: string }) => t.language)).toEqual(['es']);
    await sim.app.inject({ method: 'DELETE', url: `${url}?name=other`, headers: auth });
    expect((await list('?name=other')).json().data).toEqual([]);
    const missing = await sim.app.inject({ method: 'DELETE', url: `${url}?name=nope`, headers: auth });
    expect(missing.json()).toEqual(invalidParameter('Message template "nope" does not exist.'));
  });

  it.each([
    ['a bad name', { ...positional, name: 'Bad Name' }, 'Param name must contain only lowercase letters, digits and underscores.'],
    ['a bad category', { ...positional, category: 'promo' }, 'Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got "PROMO".'],
    ['no components', { ...positional, components: [] }, 'Param components must have at least 1 elements.'],
    ['a footer over 60', { ...positional, components: [...positional.components, { type: 'FOOTER', text: 'f'.repeat(61) }] }, "Param components[1] must have a text of at most 60 characters."],
  ])('answers code 100 for %s', async (_name, body, details) => {
    expect((await create(body)).json()).toEqual(invalidParameter(details));
  });

  it('refuses a second template with the same name and language', async () => {
    await create(positional);
    expect((await create(positional)).json()).toEqual(invalidParameter('Message template "appointment" already exists in en_US.'));
  });

  describe('sending', () => {
    const named = (params: Record<string, unknown>[], header: Record<string, unknown>[] = [{ type: 'image', image: { link: 'https://x.example/p.jpg' } }]) => ({
      name: 'order_update',
      language: { code: 'en_US' },
      components: [{ type: 'header', parameters: header }, { type: 'body', parameters: params }],
    });
    const maya = { type: 'text', parameter_name: 'first_name', text: 'Maya' };
    const order = { type: 'text', parameter_name: 'order_id', text: '4471' };
    const metaError = (code: number, message: string, details: string) => ({ error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: fbtrace } });

    it('accepts a send matching the approved template', async () => {
      await create(orderUpdate);
      await sim.flush();
      expect((await sendTemplate(named([maya, order]))).statusCode).toBe(200);
    });

    it('answers 132001 with HTTP 404 for an unknown name or language, and while pending', async () => {
      const unknown = await sendTemplate({ name: 'nope', language: { code: 'en_US' } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual(metaError(132001, '(#132001) Template name does not exist in the translation', 'template name (nope) does not exist in en_US'));
      expect((await sendTemplate({ name: 'hello_world', language: { code: 'fr' } })).json().error.code).toBe(132001);
      await sim.close();
      sim = await startSimulator({ templateReview: { delayMs: 60_000 } });
      await create(orderUpdate);
      expect((await sendTemplate(named([maya, order]))).json().error.code).toBe(132001);
    });

    it('answers 132000 when the parameter count differs', async () => {
      await create(orderUpdate);
      await sim.flush();
      const res = await sendTemplate(named([maya]));
      expect(res.json()).toEqual(metaError(132000, '(#132000) Number of parameters does not match the expected number of params', 'body: number of localizable_params (1) does not match the expected number of params (2)'));
    });

    it('answers 132012 for positional parameters to a named template and for a wrong header format', async () => {
      await create(orderUpdate);
      await sim.flush();
      expect((await sendTemplate(named([{ type: 'text', text: 'Maya' }, { type: 'text', text: '4471' }]))).json().error.code).toBe(132012);
      const header = await sendTemplate(named([maya, order], [{ type: 'video', video: { link: 'https://x.example/v.mp4' } }]));
      expect(header.json().error).toMatchObject({ code: 132012, error_data: { details: 'header: Format mismatch, expected IMAGE, received VIDEO' } });
    });

    it('answers 132015 for a paused and 132016 for a disabled template', async () => {
      const { id } = (await create(positional)).json();
      await sim.flush();
      const body = { name: 'appointment', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Monday' }, { type: 'text', text: '9:00' }] }] };
      expect((await sendTemplate(body)).statusCode).toBe(200);
      await sim.app.inject({ method: 'POST', url: `/_simulator/templates/${id}/status`, payload: { status: 'PAUSED' } });
      expect((await sendTemplate(body)).json().error.code).toBe(132015);
      await sim.app.inject({ method: 'POST', url: `/_simulator/templates/${id}/status`, payload: { status: 'DISABLED' } });
      expect((await sendTemplate(body)).json().error.code).toBe(132016);
      await sim.flush();
      const events = receiver.received.flatMap((w) => w.body.entry.flatMap((e) => e.changes.filter((c) => c.field === 'message_template_status_update')));
      expect(events.map((c) => c.value.event)).toEqual(['APPROVED', 'PAUSED', 'DISABLED']);
    });

    it('edits a template and sends it back through review', async () => {
      const { id } = (await create(positional)).json();
      await sim.flush();
      const edit = await sim.app.inject({ method: 'POST', url: `/v24.0/${id}`, headers: auth, payload: { components: [{ type: 'BODY', text: 'See you {{1}}.' }] } });
      expect(edit.json()).toEqual({ success: true });
      expect(sim.state.templates.get(id)?.status).toBe('PENDING');
      await sim.flush();
      const body = { name: 'appointment', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Monday' }] }] };
      expect((await sendTemplate(body)).statusCode).toBe(200);
    });
  });

  it('answers an unknown WABA with code 100 and a foreign token with code 10', async () => {
    expect((await sim.app.inject({ method: 'GET', url: '/v24.0/1234/message_templates', headers: auth })).json().error).toMatchObject({ code: 100, error_subcode: 33 });
    sim.registerNumber({ phone_number_id: '2', display_phone_number: '15550109999', waba_id: '3', access_token: 'other', app_secret: 'x' });
    expect((await sim.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer other' } })).statusCode).toBe(403);
  });
});
