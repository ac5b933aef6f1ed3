import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { subscribe } from '../helpers/outbox.ts';
import { api, DELIVERIES, insertDelivery, testPath } from './delivery-log-helpers.ts';

const MISSING = '00000000-0000-4000-8000-00000000beef';

describe.each(dialects)('delivery log tenancy and auth (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  /** Project A with a webhook and a failed delivery; project B, the caller, with its own number. */
  async function twoProjects() {
    const a = await newTenant(gw);
    const hook = await subscribe(gw, { projectId: a.projectId, phoneNumberId: a.phoneNumberId, url: 'https://example.com/a' });
    const delivery = await insertDelivery(gw, { projectId: a.projectId, webhookId: hook.id, phoneNumberId: a.phoneNumberId, status: 'failed' });
    const b = await newTenant(gw);
    return { a, hook, delivery, b };
  }

  it("answers another project's delivery exactly like a missing one on every route taking its id", async () => {
    const { delivery, b } = await twoProjects();
    for (const [method, path] of [
      ['GET', (id: string) => `${DELIVERIES}/${id}`],
      ['POST', (id: string) => `${DELIVERIES}/${id}/redeliver`],
    ] as const) {
      const foreign = await api(gw, b.apiKey, method, path(delivery));
      const missing = await api(gw, b.apiKey, method, path(MISSING));
      expectIndistinguishable(foreign, missing, { foreign: delivery, missing: MISSING });
    }
  });

  it("answers another project's webhook exactly like a missing one when testing or redelivering", async () => {
    const { a, hook, b } = await twoProjects();
    const foreign = await api(gw, b.apiKey, 'POST', testPath(hook.id));
    const missing = await api(gw, b.apiKey, 'POST', testPath(MISSING));
    expectIndistinguishable(foreign, missing, { foreign: hook.id, missing: MISSING });

    const nested = (number: string, id: string) => `/platform/v1/whatsapp/phone_numbers/${number}/webhooks/${id}/test`;
    // Another project's number, and the caller's own number with another project's webhook.
    expectIndistinguishable(await api(gw, b.apiKey, 'POST', nested(a.phoneNumberId, hook.id)), await api(gw, b.apiKey, 'POST', nested('999999999999999', hook.id)), {
      foreign: a.phoneNumberId,
      missing: '999999999999999',
    });
    expectIndistinguishable(await api(gw, b.apiKey, 'POST', nested(b.phoneNumberId, hook.id)), await api(gw, b.apiKey, 'POST', nested(b.phoneNumberId, MISSING)), {
      foreign: hook.id,
      missing: MISSING,
    });

    const since = '2000-01-01T00:00:00Z';
    const bulkForeign = await api(gw, b.apiKey, 'POST', `${DELIVERIES}/redeliver`, { since, webhook_id: hook.id });
    const bulkMissing = await api(gw, b.apiKey, 'POST', `${DELIVERIES}/redeliver`, { since, webhook_id: MISSING });
    expectIndistinguishable(bulkForeign, bulkMissing, { foreign: hook.id, missing: MISSING });
  });

  it("never lists or redelivers another project's deliveries", async () => {
    const { a, hook, delivery, b } = await twoProjects();
    const listed = await api(gw, b.apiKey, 'GET', `${DELIVERIES}?period=30d`);
    expect(listed.json().data).toEqual([]);
    expect((await api(gw, b.apiKey, 'GET', `${DELIVERIES}?webhook_id=${hook.id}`)).json().data).toEqual([]);
    expect((await api(gw, b.apiKey, 'POST', `${DELIVERIES}/redeliver`, { since: '2000-01-01T00:00:00Z' })).json()).toEqual({ data: { redelivered: 0 } });
    const own = await api(gw, a.apiKey, 'GET', `${DELIVERIES}/${delivery}`);
    expect(own.json().data).toMatchObject({ id: delivery, status: 'failed' });
  });

  it('requires a valid API key on every route', async () => {
    const { a, hook, delivery } = await twoProjects();
    for (const route of [
      { method: 'GET' as const, url: DELIVERIES },
      { method: 'GET' as const, url: `${DELIVERIES}/${delivery}` },
      { method: 'POST' as const, url: `${DELIVERIES}/${delivery}/redeliver` },
      { method: 'POST' as const, url: `${DELIVERIES}/redeliver`, payload: { since: '2000-01-01T00:00:00Z' } },
      { method: 'POST' as const, url: testPath(hook.id), payload: {} },
      { method: 'POST' as const, url: `/platform/v1/whatsapp/phone_numbers/${a.phoneNumberId}/webhooks/${hook.id}/test` },
    ]) {
      await expectAuthRequired(gw, route);
    }
    // Nothing was queued or changed by the refused calls.
    const row = await gw.deps.database.db.selectFrom('deliveries').select('status').where('id', '=', delivery).executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
  });
});
