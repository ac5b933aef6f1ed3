import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const body = (text: string) => [{ type: 'BODY', text }];

/**
 * Kapso's SDK 0.3.0 `TemplatesResource` (list, create, get, delete) through the gateway against
 * the simulator as Meta (kapso-api.md §6.5), and the template edit the SDK has no method for,
 * over HTTP in both forms: Meta's `POST /{template_id}` and Kapso's `PUT …?hsm_id=`.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api templates through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const clientOf = (t: { apiKey: string }) => new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
  const send = (method: 'POST' | 'PUT', path: string, apiKey: string, payload: object) =>
    fetch(`${env.gatewayUrl}${path}`, { method, headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const approved = async (id: string) => waitFor(`template ${id} approved`, () => env.sim.state.templates.get(id)?.status === 'APPROVED');
  /** The review outcomes Meta announced for a template (`message_template_status_update`, §6.6). */
  const reviews = (id: string) =>
    env.sim.state.deliveries.filter((d) => {
      const value = (d.payload as { entry?: Array<{ changes?: Array<{ value?: { message_template_id?: number; event?: string } }> }> }).entry?.[0]?.changes?.[0]?.value;
      return value?.message_template_id === Number(id) && value.event === 'APPROVED';
    }).length;

  it('lists, creates, gets and deletes templates of the WABA', async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const listed = await client.templates.list({ businessAccountId: t.wabaId, limit: 100 });
    expect(listed.data.map((x) => x.name)).toEqual(['hello_world']);

    const created = await client.templates.create({ businessAccountId: t.wabaId, name: 'order_update', language: 'en_US', category: 'UTILITY', components: body('Order {{1}} shipped.') });
    expect(created).toEqual({ id: expect.stringMatching(/^\d{16}$/), status: 'PENDING', category: 'UTILITY' });
    await approved(created.id);

    const got = await client.templates.get({ businessAccountId: t.wabaId, templateId: created.id });
    expect(got).toMatchObject({ id: created.id, name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Order {{1}} shipped.' }] });
    expect(await client.templates.get({ businessAccountId: t.wabaId, templateId: created.id, fields: 'status' })).toEqual({ id: created.id, status: 'APPROVED' });

    expect(await client.templates.delete({ businessAccountId: t.wabaId, name: 'order_update' })).toEqual({ success: true });
    expect(env.sim.state.templates.has(created.id)).toBe(false);
    await expect(client.templates.get({ businessAccountId: t.wabaId, templateId: created.id })).rejects.toMatchObject({ httpStatus: 400, code: 100 });
  });

  it("edits an approved template with Meta's POST /{template_id}, which sends it back to review", async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const { id } = await client.templates.create({ businessAccountId: t.wabaId, name: 'receipt', language: 'en_US', category: 'UTILITY', components: body('Thanks!') });
    await waitFor('the new template reviewed', () => reviews(id) === 1);
    const res = await send('POST', `/v24.0/${id}`, t.apiKey, { components: body('Thanks for your order {{1}}.') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    expect(env.sim.state.templates.get(id)?.components).toEqual(body('Thanks for your order {{1}}.'));
    // The edit went back through review (§6.3): a second approval, and the read side shows the new text.
    await waitFor('the edited template reviewed again', () => reviews(id) === 2);
    expect((await client.templates.get({ businessAccountId: t.wabaId, templateId: id })).components).toEqual(body('Thanks for your order {{1}}.'));
  });

  it("edits with Kapso's PUT /{waba_id}/message_templates?hsm_id= and the create body", async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const { id } = await client.templates.create({ businessAccountId: t.wabaId, name: 'reminder', language: 'en_US', category: 'UTILITY', components: body('See you soon.') });
    await approved(id);
    const res = await send('PUT', `/v24.0/${t.wabaId}/message_templates?hsm_id=${id}`, t.apiKey, { name: 'reminder', language: 'en_US', category: 'UTILITY', components: body('See you tomorrow.') });
    expect(await res.json()).toEqual({ success: true });
    expect(env.sim.state.templates.get(id)).toMatchObject({ name: 'reminder', components: body('See you tomorrow.') });
  });

  it("passes Meta's refusal through: an approved template's category cannot change", async () => {
    const t = await env.newTenant();
    const hello = [...env.sim.state.templates.values()].find((x) => x.wabaId === t.wabaId && x.name === 'hello_world');
    const res = await send('POST', `/v24.0/${hello?.id ?? ''}`, t.apiKey, { category: 'MARKETING' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number; error_data: { details: string } } }).error).toMatchObject({ code: 100, error_data: { details: "An approved template's category cannot be changed." } });
    expect(hello?.category).toBe('UTILITY');
  });
});
