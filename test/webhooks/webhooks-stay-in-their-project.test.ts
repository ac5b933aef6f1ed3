import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable, type RouteCall } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { call, createWebhook, numberWebhooks, PROJECT_WEBHOOKS } from './helpers.ts';

const MISSING_WEBHOOK = '00000000-0000-4000-8000-000000000000';
const MISSING_NUMBER = '100000000000001';
const BODY = { whatsapp_webhook: { url: 'https://api.acme.com/hook', events: ['whatsapp.message.received'] } };
const PATCH_BODY = { whatsapp_webhook: { url: 'https://evil.example.com/stolen' } };

describe.each(dialects)('webhook subscriptions stay in their project (%s)', (dialect) => {
  let gw: TestGateway;
  let victim: Awaited<ReturnType<typeof newTenant>>;
  let stranger: Awaited<ReturnType<typeof newTenant>>;
  let victimHook: Awaited<ReturnType<typeof createWebhook>>;

  beforeAll(async () => {
    gw = await startGateway(dialect);
    victim = await newTenant(gw);
    stranger = await newTenant(gw);
    victimHook = await createWebhook(gw, victim.apiKey, numberWebhooks(victim.phoneNumberId), BODY.whatsapp_webhook);
  });
  afterAll(() => gw.close());

  const routes = (): RouteCall[] => [
    { method: 'POST', url: numberWebhooks(victim.phoneNumberId), payload: BODY },
    { method: 'GET', url: numberWebhooks(victim.phoneNumberId) },
    { method: 'POST', url: PROJECT_WEBHOOKS, payload: BODY },
    { method: 'GET', url: PROJECT_WEBHOOKS },
    { method: 'GET', url: `${PROJECT_WEBHOOKS}/${victimHook.id}` },
    { method: 'PATCH', url: `${PROJECT_WEBHOOKS}/${victimHook.id}`, payload: PATCH_BODY },
    { method: 'DELETE', url: `${PROJECT_WEBHOOKS}/${victimHook.id}` },
    { method: 'GET', url: `${numberWebhooks(victim.phoneNumberId)}/${victimHook.id}` },
    { method: 'PATCH', url: `${numberWebhooks(victim.phoneNumberId)}/${victimHook.id}`, payload: PATCH_BODY },
    { method: 'DELETE', url: `${numberWebhooks(victim.phoneNumberId)}/${victimHook.id}` },
  ];

  it('requires a valid project key on every route', async () => {
    for (const route of routes()) await expectAuthRequired(gw, route);
    expect((await call(gw, victim.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${victimHook.id}`)).statusCode).toBe(200);
  });

  it.each(['GET', 'PATCH', 'DELETE'] as const)("answers %s of another project's webhook id exactly like a missing id", async (method) => {
    const payload = method === 'PATCH' ? PATCH_BODY : undefined;
    const foreign = await call(gw, stranger.apiKey, method, `${PROJECT_WEBHOOKS}/${victimHook.id}`, payload);
    const missing = await call(gw, stranger.apiKey, method, `${PROJECT_WEBHOOKS}/${MISSING_WEBHOOK}`, payload);
    expectIndistinguishable(foreign, missing, { foreign: victimHook.id, missing: MISSING_WEBHOOK });
  });

  it.each(['GET', 'PATCH', 'DELETE'] as const)("answers %s under another project's number exactly like under a missing number", async (method) => {
    const payload = method === 'PATCH' ? PATCH_BODY : undefined;
    const foreign = await call(gw, stranger.apiKey, method, `${numberWebhooks(victim.phoneNumberId)}/${victimHook.id}`, payload);
    const missing = await call(gw, stranger.apiKey, method, `${numberWebhooks(MISSING_NUMBER)}/${victimHook.id}`, payload);
    expectIndistinguishable(foreign, missing, { foreign: victim.phoneNumberId, missing: MISSING_NUMBER });
  });

  it.each(['GET', 'PATCH', 'DELETE'] as const)("answers %s of another project's webhook under one's own number like a missing id", async (method) => {
    const payload = method === 'PATCH' ? PATCH_BODY : undefined;
    const foreign = await call(gw, stranger.apiKey, method, `${numberWebhooks(stranger.phoneNumberId)}/${victimHook.id}`, payload);
    const missing = await call(gw, stranger.apiKey, method, `${numberWebhooks(stranger.phoneNumberId)}/${MISSING_WEBHOOK}`, payload);
    expectIndistinguishable(foreign, missing, { foreign: victimHook.id, missing: MISSING_WEBHOOK });
  });

  it.each(['GET', 'PATCH', 'DELETE'] as const)('answers %s of a webhook under another number of the same project like a missing id', async (method) => {
    const other = await newPhoneNumber(gw, victim.projectId);
    const payload = method === 'PATCH' ? PATCH_BODY : undefined;
    const wrongNumber = await call(gw, victim.apiKey, method, `${numberWebhooks(other.phoneNumberId)}/${victimHook.id}`, payload);
    const missing = await call(gw, victim.apiKey, method, `${numberWebhooks(other.phoneNumberId)}/${MISSING_WEBHOOK}`, payload);
    expectIndistinguishable(wrongNumber, missing, { foreign: victimHook.id, missing: MISSING_WEBHOOK });
  });

  it.each(['GET', 'POST'] as const)("answers %s on another project's number's collection exactly like a missing number", async (method) => {
    const payload = method === 'POST' ? BODY : undefined;
    const foreign = await call(gw, stranger.apiKey, method, numberWebhooks(victim.phoneNumberId), payload);
    const missing = await call(gw, stranger.apiKey, method, numberWebhooks(MISSING_NUMBER), payload);
    expectIndistinguishable(foreign, missing, { foreign: victim.phoneNumberId, missing: MISSING_NUMBER });
  });

  it("answers a project webhook scoped to another project's number exactly like to a missing number", async () => {
    const scoped = (phoneNumberId: string) => ({ whatsapp_webhook: { ...BODY.whatsapp_webhook, phone_number_id: phoneNumberId } });
    const foreign = await call(gw, stranger.apiKey, 'POST', PROJECT_WEBHOOKS, scoped(victim.phoneNumberId));
    const missing = await call(gw, stranger.apiKey, 'POST', PROJECT_WEBHOOKS, scoped(MISSING_NUMBER));
    expectIndistinguishable(foreign, missing, { foreign: victim.phoneNumberId, missing: MISSING_NUMBER });
  });

  it("lists nothing for another project's number and never lists another project's webhooks", async () => {
    const filtered = await call(gw, stranger.apiKey, 'GET', `${PROJECT_WEBHOOKS}?phone_number_id=${victim.phoneNumberId}`);
    expect(filtered.json()).toEqual({ data: [], meta: { page: 1, per_page: 20, total_pages: 0, total_count: 0 } });
    const all = await call(gw, stranger.apiKey, 'GET', PROJECT_WEBHOOKS);
    expect(all.json().data.map((w: { project_id: string }) => w.project_id)).not.toContain(victim.projectId);
  });

  it("leaves the victim's webhook exactly as it was after every foreign attempt", async () => {
    const res = await call(gw, victim.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${victimHook.id}`);
    expect(res.json()).toEqual({ data: victimHook });
  });
});
