import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';
import { createFlowOutsideGateway, validFlowJson } from '../flows/helpers.ts';

/**
 * Every method of Kapso's SDK 0.3.0 `FlowsResource` through the gateway, against the simulator
 * as Meta (kapso-api.md §6.8): the results the SDK returns, and the flow's state at "Meta".
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api flows through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const clientOf = (t: { apiKey: string }) => new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
  const simFlow = (id: string) => env.sim.state.flows.get(id);

  it('creates a draft flow under the WABA, and reports a Flow JSON that is not a valid flow as validationErrors', async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const created = await client.flows.create({ wabaId: t.wabaId, name: 'signup', categories: ['SIGN_UP'], flowJson: validFlowJson() });
    expect(created).toEqual({ id: expect.stringMatching(/^\d{16}$/), success: true, validationErrors: undefined });
    expect(simFlow(created.id)).toMatchObject({ wabaId: t.wabaId, name: 'signup', categories: ['SIGN_UP'], status: 'DRAFT' });

    const broken = await client.flows.create({ wabaId: t.wabaId, name: 'broken', flowJson: { version: '7.2' } });
    expect(broken.success).toBe(true);
    expect(broken.validationErrors).toEqual([
      expect.objectContaining({ error: 'MISSING_REQUIRED_PROPERTY', errorType: 'FLOW_JSON_ERROR', pointers: [expect.objectContaining({ path: 'screens' })] }),
    ]);
    expect(simFlow(broken.id)).toMatchObject({ status: 'DRAFT', categories: ['OTHER'] });
  });

  it('updates the asset of a draft, publishes it, then deprecates it', async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const { id } = await client.flows.create({ wabaId: t.wabaId, name: 'lifecycle', flowJson: { version: '7.2' } });
    expect(await client.flows.updateAsset({ flowId: id, json: validFlowJson('Updated') })).toEqual({ success: true, validationErrors: undefined });
    expect(JSON.parse(simFlow(id)?.flowJson ?? '{}').screens[0].title).toBe('Updated');

    expect(await client.flows.publish({ flowId: id })).toEqual({ success: true });
    expect(simFlow(id)?.status).toBe('PUBLISHED');
    expect(await client.flows.deprecate({ flowId: id })).toEqual({ success: true });
    expect(simFlow(id)?.status).toBe('DEPRECATED');
  });

  it("passes Meta's refusals through: publishing a flow whose JSON is invalid, updating a published flow", async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const { id } = await client.flows.create({ wabaId: t.wabaId, name: 'invalid', flowJson: { version: '7.2' } });
    const refused = await client.flows.publish({ flowId: id }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(GraphApiError);
    expect(refused).toMatchObject({ httpStatus: 400, code: 139002 });
    expect(simFlow(id)?.status).toBe('DRAFT');

    const ok = await client.flows.create({ wabaId: t.wabaId, name: 'published', flowJson: validFlowJson(), publish: true });
    expect(simFlow(ok.id)?.status).toBe('PUBLISHED');
    await expect(client.flows.updateAsset({ flowId: ok.id, json: validFlowJson('Late') })).rejects.toMatchObject({ httpStatus: 400, code: 139001 });
  });

  it('gets a flow with chosen fields and a preview link, plain and interactive with parameters', async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const { id } = await client.flows.create({ wabaId: t.wabaId, name: 'previewed', categories: ['SURVEY'], flowJson: validFlowJson() });
    expect(await client.flows.get({ flowId: id, fields: 'id,name,status,categories,json_version' })).toEqual({ id, name: 'previewed', status: 'DRAFT', categories: ['SURVEY'], jsonVersion: '7.2' });
    expect(await client.flows.get({ flowId: id })).toEqual({ id, name: 'previewed', status: 'DRAFT', categories: ['SURVEY'], validationErrors: [] });

    const first = await client.flows.preview({ flowId: id });
    expect(first.preview.previewUrl).toMatch(new RegExp(`^https://business\\.facebook\\.com/wa/manage/flows/${id}/preview/\\?token=[0-9a-f]+$`));
    expect(first.preview.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    const again = await client.flows.preview({ flowId: id, interactive: true, params: { flowAction: 'navigate', phoneNumber: '14155550123' } });
    expect(again.preview.previewUrl).toBe(first.preview.previewUrl);
    const fresh = await client.flows.preview({ flowId: id, fields: 'preview.invalidate(true)' });
    expect(fresh.preview.previewUrl).not.toBe(first.preview.previewUrl);
  });

  it("lists the WABA's flows page by page", async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await client.flows.create({ wabaId: t.wabaId, name, flowJson: validFlowJson() })).id);
    type Page = { data: Array<{ id: string; name: string; status: string }>; paging: { cursors: { after?: string }; next?: string } };
    const first = await client.flows.list<Page>({ wabaId: t.wabaId, limit: 2 });
    expect(first.data.map((f) => f.name)).toEqual(['one', 'two']);
    expect(first.paging.next).toBeDefined();
    const second = await client.flows.list<Page>({ wabaId: t.wabaId, limit: 2, after: first.paging.cursors.after ?? '' });
    expect(second.data).toEqual([{ id: ids[2], name: 'three', status: 'DRAFT', categories: ['OTHER'], validationErrors: [] }]);
  });

  it('deploys a new flow (create, publish, preview), then redeploys changed JSON to a draft by id', async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const deployed = await client.flows.deploy(validFlowJson(), { wabaId: t.wabaId, name: 'deployed', publish: true, preview: true });
    expect(deployed).toEqual({ flowId: expect.stringMatching(/^\d{16}$/), previewUrl: expect.stringContaining('/preview/?token='), validationErrors: undefined });
    expect(simFlow(deployed.flowId)?.status).toBe('PUBLISHED');

    const draft = await client.flows.create({ wabaId: t.wabaId, name: 'draft-to-deploy', flowJson: validFlowJson('v1') });
    const redeployed = await client.flows.deploy(validFlowJson('v2'), { wabaId: t.wabaId, name: 'draft-to-deploy', flowId: draft.id, publish: true });
    expect(redeployed).toEqual({ flowId: draft.id, previewUrl: undefined, validationErrors: undefined });
    expect(simFlow(draft.id)).toMatchObject({ status: 'PUBLISHED' });
    expect(JSON.parse(simFlow(draft.id)?.flowJson ?? '{}').screens[0].title).toBe('v2');
  });

  it("acts on a flow made outside the gateway once the call names the project's number or WABA", async () => {
    const t = await env.newTenant();
    const client = clientOf(t);
    const id = await createFlowOutsideGateway(env, t, 'made-elsewhere');
    // Named by nothing, an id the gateway never saw is unknown; `GET /{id}?phone_number_id=` reads media.
    await expect(client.flows.get({ flowId: id })).rejects.toMatchObject({ httpStatus: 404 });
    await expect(client.flows.preview({ flowId: id, phoneNumberId: t.phoneNumberId })).rejects.toMatchObject({ httpStatus: 404 });
    expect(await client.flows.publish({ flowId: id, phoneNumberId: t.phoneNumberId })).toEqual({ success: true });
    // Confirmed once, the flow is the project's from then on.
    expect(await client.flows.get<{ status: string }>({ flowId: id, fields: 'status' })).toEqual({ id, status: 'PUBLISHED' });
    expect((await client.flows.preview({ flowId: id, phoneNumberId: t.phoneNumberId })).preview.previewUrl).toContain(`/flows/${id}/preview/`);

    const other = await createFlowOutsideGateway(env, t, 'made-elsewhere-too');
    expect((await client.flows.preview({ flowId: other, businessAccountId: t.wabaId })).preview.previewUrl).toContain(`/flows/${other}/preview/`);
    expect(await client.flows.deprecate({ flowId: other, businessAccountId: t.wabaId }).catch((err: unknown) => err)).toMatchObject({ httpStatus: 400, code: 100 });
  });
});
