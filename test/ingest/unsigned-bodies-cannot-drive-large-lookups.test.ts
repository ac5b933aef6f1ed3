import { addPhoneNumber } from '../../src/tenants/tenancy.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppSecrets } from '../../src/ingest/app-secrets.ts';
import { MAX_IDS_PER_WEBHOOK } from '../../src/ingest/verify-webhook.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const manyNumbers = (count: number, field: 'phone' | 'waba') =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: Array.from({ length: field === 'waba' ? count : 1 }, (_, i) => ({
      id: String(900_000_000 + i),
      // As small as a change naming a number can be: 38,000 of them stay under the ingest limit.
      changes: Array.from({ length: field === 'phone' ? count : 1 }, (_, j) =>
        field === 'phone' ? { value: { metadata: { phone_number_id: String(800_000_000 + j) } } } : { field: 'account_update', value: {} },
      ),
    })),
  });

/** Before its signature is known, a body cannot make the gateway look up (or cache) thousands of ids. */
describe.each(dialects)('unsigned bodies naming many ids (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const post = (payload: string) =>
    gw.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, payload });

  it.each(['phone', 'waba'] as const)('answers 400 in the envelope for 38,000 %s ids', async (field) => {
    const res = await post(manyNumbers(38_000, field));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, fbtrace_id: expect.any(String) });
  });

  it('still checks the signature of a payload naming as many ids as the cap', async () => {
    const res = await post(manyNumbers(MAX_IDS_PER_WEBHOOK, 'phone'));
    expect(res.statusCode).toBe(401);
  });

  it('does not remember a miss: a number registered right after is verified at once', async () => {
    const secrets = new AppSecrets(gw.deps);
    const project = await newProject(gw);
    const n = await newPhoneNumber(gw, project.projectId);
    expect(await secrets.forNumbers([n.phoneNumberId])).toEqual([n.appSecret]);
    const unknown = `${n.phoneNumberId}9`;
    expect(await secrets.forNumbers([unknown])).toBeNull();
    await addPhoneNumber(gw.deps, { projectId: project.projectId, phoneNumberId: unknown, displayPhoneNumber: '15550109999', wabaId: n.wabaId, accessToken: 'token', appSecret: 'registered-after-the-miss', verifyToken: `verify-${unknown}` });
    expect(await secrets.forNumbers([unknown])).toEqual(['registered-after-the-miss']);
  });
});
