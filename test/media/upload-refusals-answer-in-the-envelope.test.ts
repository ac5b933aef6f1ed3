import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { startGatewayWithSimulator, type GatewayAndSimulator } from '../helpers/with-simulator.ts';

type Part = { name: string; value: string; filename?: string; type?: string };

/** A multipart body written part by part, so a test can make it exactly as wrong as it needs. */
const body = (parts: Part[], end = '--zz--\r\n') =>
  parts
    .map((p) => `--zz\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n${p.value}\r\n`)
    .join('') + end;

const product: Part = { name: 'messaging_product', value: 'whatsapp' };
const pdf: Part = { name: 'file', value: '%PDF-1.4\n% a page\n', filename: 'a.pdf', type: 'application/pdf' };

/**
 * An upload that Meta would refuse, or that the gateway cannot read, answers 400 in Meta's
 * envelope and keeps nothing: what Meta says is passed through as it came; what the gateway
 * refuses itself never reaches Meta.
 */
describe.each(dialects)('media upload refusals (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
  });
  afterAll(() => env.close());

  const upload = (payload: string, contentType = 'multipart/form-data; boundary=zz') =>
    env.gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/media`, headers: { 'x-api-key': t.apiKey, 'content-type': contentType }, payload });
  const storedUploads = async () => (await env.gw.deps.database.db.selectFrom('media').select('id').where('phone_number_id', '=', t.phoneNumberId).execute()).length;
  const mediaAtMeta = () => env.sim.state.media.size;

  it.each([
    ['without a file part', body([product, { name: 'type', value: 'application/pdf' }]), 'The parameter file is required.'],
    ['with the file under another name', body([product, { ...pdf, name: 'upload' }]), 'The parameter file is required.'],
    ['without messaging_product', body([pdf]), 'The parameter messaging_product is required.'],
  ])("passes Meta's 400 through for an upload %s, and keeps nothing", async (_case, payload, details) => {
    const res = await upload(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException', error_data: { details }, fbtrace_id: expect.any(String) });
    expect(await storedUploads()).toBe(0);
  });

  it("passes Meta's 400 through for a body that is not multipart", async () => {
    const res = await upload(JSON.stringify({ messaging_product: 'whatsapp', file: 'x' }), 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, error_data: { details: 'Upload media as multipart/form-data with the fields messaging_product, type and file.' } });
  });

  it.each([
    ['a body cut before its closing boundary', body([product, pdf], ''), /^The multipart body could not be read: /],
    ['a multipart type without a boundary', body([product, pdf]), /^The multipart body could not be read: /, 'multipart/form-data'],
    ['a second file', body([product, pdf, { ...pdf, name: 'file2' }]), /^The multipart body could not be read: reach files limit/],
    ['a field over 64 KB', body([product, { name: 'type', value: 'x'.repeat(64 * 1024 + 1) }, pdf]), "Field 'type' is longer than 65536 bytes."],
    ["a field that would replace the number's token", body([product, { name: 'access_token', value: 'someone-elses' }, pdf]), /^Parameter 'access_token' cannot be sent through the gateway/],
  ])('answers 400 itself for %s, without asking Meta', async (_case, payload, details, contentType?: string) => {
    const before = mediaAtMeta();
    const res = await upload(payload, contentType);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException', message: '(#100) Invalid parameter', fbtrace_id: expect.any(String) });
    expect(res.json().error.error_data.details).toMatch(details);
    expect(mediaAtMeta()).toBe(before);
    expect(await storedUploads()).toBe(0);
  });

  it('still takes a well-formed upload and keeps its copy', async () => {
    const res = await upload(body([product, { name: 'type', value: 'application/pdf' }, pdf]));
    expect(res.statusCode).toBe(200);
    expect(await storedUploads()).toBe(1);
  });
});
