import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPhoneNumber } from '../../src/tenants/tenancy.ts';
import { removePhoneNumber } from '../../src/tenants/manage-numbers.ts';
import { dialects } from '../helpers/dialects.ts';
import { newProject, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { callsWebhook, inboundConnect } from '../helpers/call-webhooks.ts';

/**
 * A number's call log is part of its history: deleting the history deletes its calls, so the
 * number registered again by another project starts with an empty log, never the old one.
 */
describe.each(dialects)('a number deleted with its history takes its calls (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  it('deletes the calls, and another project registering the number sees none of them', async () => {
    const t = await newTenant(gw);
    expect((await postWebhook(gw, callsWebhook(t.phoneNumberId, { calls: [inboundConnect('wacid.old', 1767268800)] }), t.appSecret)).statusCode).toBe(200);
    const stored = () => gw.deps.database.db.selectFrom('calls').select('call_id').where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(await stored()).toEqual([{ call_id: 'wacid.old' }]);

    expect(await removePhoneNumber(gw.deps, t.phoneNumberId, 'deleted')).toBe(true);
    expect(await stored()).toEqual([]);

    const next = await newProject(gw);
    await addPhoneNumber(gw.deps, { projectId: next.projectId, phoneNumberId: t.phoneNumberId, displayPhoneNumber: t.displayPhoneNumber, wabaId: t.wabaId, accessToken: 'token-new', appSecret: 'secret-new', verifyToken: 'verify-new' });
    const res = await gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/calls`, headers: { 'x-api-key': next.apiKey } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([]);
  });
});
