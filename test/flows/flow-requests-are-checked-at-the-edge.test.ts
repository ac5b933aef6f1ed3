import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FLOW_JSON_BYTES } from '../../src/flows/asset-upload.ts';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';
import { assetForm, validFlowJsonText } from './helpers.ts';

type ErrorBody = { error: { code: number; type: string; error_data?: { details: string } } };

/**
 * What the gateway refuses itself before a flow call goes to Meta (kapso-api.md §6.8): a create
 * body that is not Meta's, a Flow JSON that is not JSON, an asset upload that is not one Flow JSON
 * with its two fields or is too large. Nothing reaches the simulator's flows.
 */
describe.each(dialects)('flow requests are checked at the edge (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const create = (t: { wabaId: string; apiKey: string }, payload: object) => env.gw.app.inject({ method: 'POST', url: `/v24.0/${t.wabaId}/flows`, headers: { 'x-api-key': t.apiKey }, payload });
  const upload = (t: { apiKey: string }, flowId: string, body: FormData | string) =>
    fetch(`${env.gatewayUrl}/v24.0/${flowId}/assets`, { method: 'POST', headers: { 'x-api-key': t.apiKey, ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}) }, body });

  it.each([
    ['a flow_json that is not JSON', { flow_json: '{"version": "7.2",' }, 'flow_json'],
    ['a flow_json that is a bare string', { flow_json: '"screens"' }, 'flow_json'],
    ['no categories', { categories: undefined }, 'categories'],
    ['an empty category list', { categories: [] }, 'categories'],
    ['a lower-case category', { categories: ['other'] }, 'categories'],
    ['an endpoint that is not https', { endpoint_uri: 'http://example.com/flow' }, 'endpoint_uri'],
    ['a clone of another flow', { clone_flow_id: '2123456789012345' }, 'clone_flow_id'],
    ['a token of its own', { access_token: 'stolen' }, 'access_token'],
    ['publish given as text', { publish: 'true' }, 'publish'],
  ])('refuses a create with %s', async (_what, change, parameter) => {
    const t = await env.newTenant();
    const res = await create(t, { name: 'checked', categories: ['OTHER'], flow_json: validFlowJsonText(), ...change });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as ErrorBody;
    expect(error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(error.error_data?.details).toContain(parameter);
    expect(env.sim.state.flowsOf(t.wabaId)).toEqual([]);
  });

  describe('asset uploads', () => {
    async function draft() {
      const t = await env.newTenant();
      const res = await create(t, { name: 'draft', categories: ['OTHER'], flow_json: validFlowJsonText('Original') });
      return { t, flowId: (res.json() as { id: string }).id };
    }
    const unchanged = (flowId: string) => expect(JSON.parse(env.sim.state.flows.get(flowId)?.flowJson ?? '{}').screens[0].title).toBe('Original');

    it('refuses a file over the size bound with 413', async () => {
      const { t, flowId } = await draft();
      const big = `{"pad":"${'x'.repeat(MAX_FLOW_JSON_BYTES)}"}`;
      const res = await upload(t, flowId, assetForm(big));
      expect(res.status).toBe(413);
      expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 100, error_data: { details: `The body exceeds ${MAX_FLOW_JSON_BYTES} bytes.` } });
      unchanged(flowId);
    });

    it.each([
      ['a file that is not JSON', () => assetForm('version: 7.2'), 'not valid JSON'],
      ['another asset type', () => assetForm(validFlowJsonText(), { name: 'flow.json', asset_type: 'IMAGE' }), 'asset_type'],
      ['no name', () => assetForm(validFlowJsonText(), { asset_type: 'FLOW_JSON' }), 'name'],
      ['an extra field', () => assetForm(validFlowJsonText(), { name: 'flow.json', asset_type: 'FLOW_JSON', access_token: 'stolen' }), 'access_token'],
      ['no file', () => Object.assign(new FormData(), {}), 'file'],
      ['a JSON body instead of a form', () => JSON.stringify({ file: validFlowJsonText() }), 'multipart/form-data'],
    ])('refuses %s', async (_what, body, mention) => {
      const { t, flowId } = await draft();
      const form = body();
      if (form instanceof FormData && mention === 'file') {
        form.append('name', 'flow.json');
        form.append('asset_type', 'FLOW_JSON');
      }
      const res = await upload(t, flowId, form);
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.error_data?.details).toContain(mention);
      unchanged(flowId);
    });

    it('takes a Flow JSON that parses and leaves judging it to Meta (validation_errors)', async () => {
      const { t, flowId } = await draft();
      const res = await upload(t, flowId, assetForm('{"version":"7.2","screens":[]}'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ success: true, validation_errors: [expect.objectContaining({ error: 'MISSING_REQUIRED_PROPERTY', pointers: [expect.objectContaining({ path: 'screens' })] })] });
    });
  });
});
