import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

/** Meta's GraphMethodException names the request's method: "Unsupported post request. …". */
describe.each(dialects)('an unknown or foreign object (%s)', (dialect) => {
  let gw: TestGateway;
  let mine: Awaited<ReturnType<typeof newTenant>>;
  let theirs: Awaited<ReturnType<typeof newTenant>>;

  beforeAll(async () => {
    gw = await startGateway(dialect);
    mine = await newTenant(gw);
    theirs = await newTenant(gw);
  });
  afterAll(() => gw.close());

  const send = { messaging_product: 'whatsapp', to: '15551234567', type: 'text', text: { body: 'hi' } };
  const expected = (method: string, id: string) => ({
    error: {
      message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      error_data: { messaging_product: 'whatsapp', details: 'Unknown phone number.' },
      fbtrace_id: expect.any(String),
    },
  });

  it.each([
    ['an unknown', () => '999000111222333'],
    ["another project's", () => theirs.phoneNumberId],
  ])('answers a POST to %s phone number with "Unsupported post request"', async (_label, id) => {
    const res = await gw.app.inject({ method: 'POST', url: `/v24.0/${id()}/messages`, headers: { authorization: `Bearer ${mine.apiKey}` }, payload: send });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(expected('post', id()));
  });

  it('still answers a GET with "Unsupported get request"', async () => {
    const res = await gw.app.inject({ method: 'GET', url: `/v24.0/${theirs.phoneNumberId}/messages/wamid.X`, headers: { authorization: `Bearer ${mine.apiKey}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(expected('get', theirs.phoneNumberId));
  });
});
