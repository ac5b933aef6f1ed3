import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { startGatewayWithSimulator, type GatewayAndSimulator } from '../helpers/with-simulator.ts';

const multipart = (bytes: number) =>
  `--zz\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n--zz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n${'x'.repeat(bytes)}\r\n--zz--\r\n`;

/** Only the media upload takes Meta's 100 MB; every other Graph route keeps the normal body limit. */
describe.each(dialects)('multipart body limits (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
  });
  afterAll(() => env.close());

  const overLimit = () => env.gw.deps.config.http.bodyLimitBytes + 1024;
  const headers = () => ({ 'x-api-key': t.apiKey, 'content-type': 'multipart/form-data; boundary=zz' });

  it.each([
    ['POST', 'messages'],
    ['POST', 'register'],
    ['POST', 'settings'],
    ['PATCH', 'contacts/14155550123'],
  ] as const)('answers %s /{number}/%s over the normal limit with 413 in the envelope', async (method, path) => {
    const res = await env.gw.app.inject({ method, url: `/v24.0/${t.phoneNumberId}/${path}`, headers: headers(), payload: multipart(overLimit()) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 100, fbtrace_id: expect.any(String) });
    expect(res.json().error.error_data.details).toContain(String(env.gw.deps.config.http.bodyLimitBytes));
  });

  it('takes an upload over the normal limit on the media route', async () => {
    const res = await env.gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/media`, headers: headers(), payload: multipart(overLimit()) });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toEqual(expect.any(String));
  });
});
