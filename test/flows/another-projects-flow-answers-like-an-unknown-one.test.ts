import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';
import { removePhoneNumber } from '../../src/tenants/manage-numbers.ts';
import { newTenantSharingToken } from '../helpers/shared-token-tenant.ts';
import { assetForm, validFlowJsonText } from './helpers.ts';

/**
 * A flow of another project does not exist (style.md §6): every flow id route answers it exactly
 * as an id nobody has, whatever number or WABA the query names, and nothing is done to it at Meta,
 * even through a token that Meta lets read it.
 */
describe.each(dialects)("another project's flow answers like an unknown one (%s)", (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const missing = '2000000000000077';
  const inject = (method: 'GET' | 'POST', url: string, apiKey: string, payload?: object) =>
    env.gw.app.inject({ method, url, headers: { 'x-api-key': apiKey }, ...(payload ? { payload } : {}) });

  async function ownersFlow() {
    const owner = await env.newTenant();
    const res = await inject('POST', `/v24.0/${owner.wabaId}/flows`, owner.apiKey, { name: 'owned', categories: ['OTHER'], flow_json: validFlowJsonText() });
    expect(res.statusCode).toBe(200);
    return { owner, flowId: res.json().id as string };
  }

  it('reads, publishes and deprecates it as an unknown flow, named by nothing or by the stranger\'s own number or WABA', async () => {
    const { flowId } = await ownersFlow();
    const stranger = await env.newTenant();
    for (const query of ['', `?business_account_id=${stranger.wabaId}`, `?phone_number_id=${stranger.phoneNumberId}`]) {
      for (const [method, edge] of [['GET', ''], ['POST', '/publish'], ['POST', '/deprecate']] as const) {
        const foreign = await inject(method, `/v24.0/${flowId}${edge}${query}`, stranger.apiKey);
        const unknown = await inject(method, `/v24.0/${missing}${edge}${query}`, stranger.apiKey);
        expectIndistinguishable(foreign, unknown, { foreign: flowId, missing });
      }
    }
    expect(env.sim.state.flows.get(flowId)?.status).toBe('DRAFT');
  });

  it("answers as unknown when the query names the owner's number or WABA", async () => {
    const { owner, flowId } = await ownersFlow();
    const stranger = await env.newTenant();
    for (const query of [`?business_account_id=${owner.wabaId}`, `?phone_number_id=${owner.phoneNumberId}`, `?phone_number_id=${stranger.phoneNumberId}&business_account_id=${owner.wabaId}`]) {
      const foreign = await inject('POST', `/v24.0/${flowId}/publish${query}`, stranger.apiKey);
      const unknown = await inject('POST', `/v24.0/${missing}/publish${query.split(flowId).join(missing)}`, stranger.apiKey);
      expectIndistinguishable(foreign, unknown, { foreign: flowId, missing });
    }
    expect(env.sim.state.flows.get(flowId)?.status).toBe('DRAFT');
  });

  it('does not act on it through a token Meta lets read it: the WABA Meta names must be the caller\'s', async () => {
    const { owner, flowId } = await ownersFlow();
    const sharer = await newTenantSharingToken(env, owner.accessToken);
    // At Meta, the shared token reads the owner's flow...
    const direct = await fetch(`${env.simulatorUrl}/v24.0/${flowId}?fields=whatsapp_business_account`, { headers: { authorization: `Bearer ${owner.accessToken}` } });
    expect(await direct.json()).toEqual({ whatsapp_business_account: { id: owner.wabaId }, id: flowId });
    // ...but through the gateway the sharer's project cannot reach it.
    for (const query of [`?phone_number_id=${sharer.phoneNumberId}`, `?business_account_id=${sharer.wabaId}`]) {
      const publish = await inject('POST', `/v24.0/${flowId}/publish${query}`, sharer.apiKey);
      expectIndistinguishable(publish, await inject('POST', `/v24.0/${missing}/publish${query}`, sharer.apiKey), { foreign: flowId, missing });
      const read = await inject('GET', `/v24.0/${flowId}${query}&fields=preview`, sharer.apiKey);
      expect(read.statusCode).toBe(404);
    }
    const asset = await fetch(`${env.gatewayUrl}/v24.0/${flowId}/assets?business_account_id=${sharer.wabaId}`, {
      method: 'POST',
      headers: { 'x-api-key': sharer.apiKey },
      body: assetForm('{"version":"7.2","screens":[]}'),
    });
    expect(asset.status).toBe(404);
    expect(env.sim.state.flows.get(flowId)).toMatchObject({ status: 'DRAFT', validationErrors: [] });
  });

  it("does not list or create flows under another project's WABA", async () => {
    const owner = await env.newTenant();
    const stranger = await env.newTenant();
    expectIndistinguishable(await inject('GET', `/v24.0/${owner.wabaId}/flows`, stranger.apiKey), await inject('GET', '/v24.0/100000000000077/flows', stranger.apiKey), {
      foreign: owner.wabaId,
      missing: '100000000000077',
    });
    const body = { name: 'intruder', categories: ['OTHER'] };
    const create = await inject('POST', `/v24.0/${owner.wabaId}/flows`, stranger.apiKey, body);
    expectIndistinguishable(create, await inject('POST', '/v24.0/100000000000077/flows', stranger.apiKey, body), { foreign: owner.wabaId, missing: '100000000000077' });
    expect(env.sim.state.flowsOf(owner.wabaId)).toEqual([]);
  });

  it("stops reaching its flows once the project has no number left in the flow's WABA", async () => {
    const { owner, flowId } = await ownersFlow();
    expect((await inject('GET', `/v24.0/${flowId}?fields=status`, owner.apiKey)).statusCode).toBe(200);
    expect(await removePhoneNumber(env.gw.deps, owner.phoneNumberId, 'kept')).toBe(true);
    expectIndistinguishable(await inject('POST', `/v24.0/${flowId}/publish`, owner.apiKey), await inject('POST', `/v24.0/${missing}/publish`, owner.apiKey), { foreign: flowId, missing });
    expect(env.sim.state.flows.get(flowId)?.status).toBe('DRAFT');
  });
});
