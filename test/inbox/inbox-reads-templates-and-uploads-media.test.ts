import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaByMetaId } from '../../src/media/store.ts';
import { seedTemplate } from '../helpers/broadcasts.ts';
import { dialects } from '../helpers/dialects.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550177';
// A real PNG signature, so the gateway's sniffing agrees with the declared type.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest-of-a-tiny-image')]);

/** A multipart body as a browser's FormData builds it. */
async function multipartFile(bytes: Buffer, name: string, type: string, partName = 'file') {
  const form = new FormData();
  form.set(partName, new Blob([new Uint8Array(bytes)], { type }), name);
  const request = new Request('http://x/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

describe.each(dialects)('templates and attachments in the inbox (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let me: InboxSession;

  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    me = await signedInMember(env.gw, t.projectId);
  });
  afterAll(() => env.close());

  it('offers the number’s approved templates, read from Meta', async () => {
    const approved = seedTemplate(env, t.wabaId);
    seedTemplate(env, t.wabaId, { status: 'PENDING' });
    seedTemplate(env, t.wabaId, { status: 'REJECTED' });
    const res = await env.gw.app.inject({ method: 'GET', url: `/inbox/api/numbers/${t.phoneNumberId}/templates`, headers: me.headers() });
    expect(res.statusCode).toBe(200);
    const { data } = res.json();
    // Every WABA starts with Meta's approved hello_world; the pending and rejected ones are left out.
    expect(data.map((x: { name: string }) => x.name).sort()).toEqual([approved.name, 'hello_world'].sort());
    expect(data.find((x: { id: string }) => x.id === approved.id)).toEqual({ id: approved.id, name: approved.name, language: 'en_US', category: 'MARKETING', parameter_format: 'NAMED', components: approved.components });
  });

  it('uploads an attachment through the gateway, keeps a copy, and sends it', async () => {
    const { payload, contentType } = await multipartFile(PNG, 'photo.png', 'image/png');
    const res = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/numbers/${t.phoneNumberId}/media`, headers: me.headers({ 'content-type': contentType }), payload });
    expect(res.statusCode).toBe(200);
    const { id } = res.json();
    expect(id).toMatch(/^\d+$/);
    expect(env.sim.state.media.get(id)?.data.equals(PNG)).toBe(true);
    const kept = await findMediaByMetaId(env.gw.deps.database.db, t.phoneNumberId, id);
    expect(kept).toMatchObject({ state: 'stored', mime_type: 'image/png', filename: 'photo.png' });

    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'send me a photo' } } });
    await env.sim.flush();
    const list = (await env.gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: me.headers() })).json();
    const conversation = list.data.find((c: { contact: { wa_id: string } }) => c.contact.wa_id === CUSTOMER);
    const sent = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/conversations/${conversation.id}/messages`, headers: me.headers(), payload: { type: 'image', image: { id, caption: 'here' } } });
    expect(sent.statusCode).toBe(200);
    expect(sent.json().message).toMatchObject({ type: 'image', image: { id, caption: 'here' }, kapso: { has_media: true } });
  });

  it('refuses an upload without a file part, before Meta sees it', async () => {
    const before = env.sim.state.media.size;
    const { payload, contentType } = await multipartFile(PNG, 'photo.png', 'image/png', 'attachment');
    const res = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/numbers/${t.phoneNumberId}/media`, headers: me.headers({ 'content-type': contentType }), payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('file') } });
    const json = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/numbers/${t.phoneNumberId}/media`, headers: me.headers(), payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);
    expect(env.sim.state.media.size).toBe(before);
  });
});
