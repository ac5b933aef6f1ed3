import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';
import { newTenantSharingToken } from '../helpers/shared-token-tenant.ts';

/**
 * A template edit (meta-cloud-api.md §6.3, kapso-api.md §6.5) reaches Meta only for a template
 * Meta lists under one of the caller's project's WABAs: another project's template answers as an
 * unknown one in both forms, even through a token Meta lets edit it, and is left as it was.
 */
describe.each(dialects)('template edits stay in their project (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const missing = '1000000000000077';
  const edit = { components: [{ type: 'BODY', text: 'Edited by someone else.' }] };
  const send = (method: 'POST' | 'PUT', url: string, apiKey: string, payload: object = edit) => env.gw.app.inject({ method, url, headers: { 'x-api-key': apiKey }, payload });

  async function ownersTemplate() {
    const owner = await env.newTenant();
    const template = [...env.sim.state.templates.values()].find((x) => x.wabaId === owner.wabaId);
    if (!template) throw new Error('the simulator seeds hello_world in every WABA');
    return { owner, template, before: structuredClone(template) };
  }

  it("edits the project's own template in both forms, named or not by number or WABA", async () => {
    for (const query of ['', '?phone_number_id={number}', '?business_account_id={waba}']) {
      const { owner, template } = await ownersTemplate();
      const url = `/v24.0/${template.id}${query.replace('{number}', owner.phoneNumberId).replace('{waba}', owner.wabaId)}`;
      const res = await send('POST', url, owner.apiKey, { components: [{ type: 'BODY', text: `Edited at ${url}` }] });
      expect(res.json()).toEqual({ success: true });
      expect(env.sim.state.templates.get(template.id)?.components).toEqual([{ type: 'BODY', text: `Edited at ${url}` }]);
    }
    const { owner, template } = await ownersTemplate();
    const put = await send('PUT', `/meta/whatsapp/v24.0/${owner.wabaId}/message_templates?hsm_id=${template.id}`, owner.apiKey, { name: 'hello_world', language: 'en_US', ...edit });
    expect(put.json()).toEqual({ success: true });
    expect(env.sim.state.templates.get(template.id)?.components).toEqual(edit.components);
  });

  it("answers another project's template as unknown, by Meta's form and by Kapso's, and leaves it alone", async () => {
    const { owner, template, before } = await ownersTemplate();
    const stranger = await env.newTenant();
    for (const query of ['', `?phone_number_id=${stranger.phoneNumberId}`, `?business_account_id=${owner.wabaId}`, `?phone_number_id=${owner.phoneNumberId}`]) {
      expectIndistinguishable(await send('POST', `/v24.0/${template.id}${query}`, stranger.apiKey), await send('POST', `/v24.0/${missing}${query}`, stranger.apiKey), { foreign: template.id, missing });
    }
    const put = (waba: string, hsm: string) => send('PUT', `/v24.0/${waba}/message_templates?hsm_id=${hsm}`, stranger.apiKey);
    expectIndistinguishable(await put(stranger.wabaId, template.id), await put(stranger.wabaId, missing), { foreign: template.id, missing });
    expectIndistinguishable(await put(owner.wabaId, template.id), await put('100000000000077', template.id), { foreign: owner.wabaId, missing: '100000000000077' });
    expect(env.sim.state.templates.get(template.id)).toEqual(before);
  });

  it('does not edit it through a token Meta lets edit it: Meta must list it under the caller\'s WABA', async () => {
    const { owner, template, before } = await ownersTemplate();
    const sharer = await newTenantSharingToken(env, owner.accessToken);
    // At Meta, the shared token could edit the owner's template; through the gateway it cannot.
    for (const query of ['', `?phone_number_id=${sharer.phoneNumberId}`]) {
      expectIndistinguishable(await send('POST', `/v24.0/${template.id}${query}`, sharer.apiKey), await send('POST', `/v24.0/${missing}${query}`, sharer.apiKey), { foreign: template.id, missing });
    }
    const put = await send('PUT', `/v24.0/${sharer.wabaId}/message_templates?hsm_id=${template.id}`, sharer.apiKey);
    expect(put.statusCode).toBe(404);
    expect(env.sim.state.templates.get(template.id)).toEqual(before);
  });

  it.each([
    ['a template id that is not a Graph id', 'POST', '/v24.0/hello_world', edit, 404],
    ['an id smuggling a path', 'POST', '/v24.0/1%2F..%2Fme', edit, 404],
    ['an edit that changes nothing', 'POST', '/v24.0/1234567890123456', { name: 'renamed' }, 400],
    ['components that are not a list', 'POST', '/v24.0/1234567890123456', { components: 'BODY' }, 400],
    ["Kapso's form without hsm_id", 'PUT', '/v24.0/{waba}/message_templates', edit, 400],
    ["Kapso's form with hsm_id given twice", 'PUT', '/v24.0/{waba}/message_templates?hsm_id=1&hsm_id=2', edit, 400],
  ] as const)('refuses %s before asking Meta', async (_what, method, url, payload, status) => {
    const { owner, template, before } = await ownersTemplate();
    const res = await send(method, url.replace('{waba}', owner.wabaId), owner.apiKey, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatchObject({ code: 100 });
    expect(env.sim.state.templates.get(template.id)).toEqual(before);
  });
});
