import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { addPhoneNumber } from '../../src/tenants/tenancy.ts';
import { dialects } from '../helpers/dialects.ts';
import { storedCounts } from '../helpers/db-counts.ts';
import { newPhoneNumber, newProject, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey, storeMessages } from '../helpers/history.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const URL = (id: string) => `/platform/v1/whatsapp/phone_numbers/${id}`;

describe.each(dialects)('PATCH and DELETE /platform/v1/whatsapp/phone_numbers/{id} (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const patch = (apiKey: string, id: string, fields: Record<string, unknown>) =>
    gw.app.inject({ method: 'PATCH', url: URL(id), headers: { 'x-api-key': apiKey }, payload: { whatsapp_phone_number: fields } });
  const remove = (apiKey: string, id: string, query = '') => gw.app.inject({ method: 'DELETE', url: `${URL(id)}${query}`, headers: { 'x-api-key': apiKey } });
  const inbound = (n: { phoneNumberId: string }, id: string) => messagesWebhook(n.phoneNumberId, [textMessage(id, 'hi')]);
  /** A stored media row pointing at a blob, as the media worker leaves it. */
  const storedMedia = (id: string, projectId: string, phoneNumberId: string, blob: { key: string; sha256: string; byteSize: number }) =>
    gw.deps.database.db
      .insertInto('media')
      .values({
        id, project_id: projectId, phone_number_id: phoneNumberId, message_id: null, meta_media_id: null, source_url: null, kind: 'document',
        direction: 'inbound', state: 'stored', failure_reason: null, mime_type: 'text/plain', content_type: 'text/plain', filename: null,
        byte_size: blob.byteSize, sha256: blob.sha256, storage_key: blob.key, attempts: 0, next_attempt_at: 0, locked_by: null,
        locked_until: null, created_at: 0, updated_at: 0, stored_at: 0,
      })
      .execute();

  it('replaces the app secret and the display number at once, answering the number and never a secret', async () => {
    const t = await newTenant(gw);
    // The old app secret is cached by the first webhook; the change must not wait for the cache.
    expect((await postWebhook(gw, inbound(t, `wamid.before-${t.phoneNumberId}`), t.appSecret)).statusCode).toBe(200);
    const res = await patch(t.apiKey, t.phoneNumberId, { app_secret: 'rotated-app-secret', access_token: 'EAAG-rotated', display_phone_number: '+44 20 7946 0958' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ id: t.phoneNumberId, display_phone_number: '+442079460958', display_phone_number_normalized: '442079460958' });
    expect(res.body).not.toContain('rotated');
    expect((await postWebhook(gw, inbound(t, `wamid.old-${t.phoneNumberId}`), t.appSecret)).statusCode).toBe(401);
    expect((await postWebhook(gw, inbound(t, `wamid.new-${t.phoneNumberId}`), 'rotated-app-secret')).statusCode).toBe(200);
  });

  it('refuses ids that are not Meta ids, numbers that are not E.164, empty secrets and fields it does not keep, naming each', async () => {
    const t = await newTenant(gw);
    expectInvalidParameter(await patch(t.apiKey, t.phoneNumberId, { business_account_id: 'abc' }), 'whatsapp_phone_number.business_account_id');
    expectInvalidParameter(await patch(t.apiKey, t.phoneNumberId, { display_phone_number: '555' }), 'whatsapp_phone_number.display_phone_number');
    expectInvalidParameter(await patch(t.apiKey, t.phoneNumberId, { access_token: ' ' }), 'whatsapp_phone_number.access_token');
    expectInvalidParameter(await patch(t.apiKey, t.phoneNumberId, { webhook_destination_url: 'https://example.com' }), 'whatsapp_phone_number');
    expectInvalidParameter(await patch(t.apiKey, t.phoneNumberId, {}), 'whatsapp_phone_number');
    expectInvalidParameter(await remove(t.apiKey, t.phoneNumberId), 'history');
  });

  it("answers another project's number exactly like an unknown one", async () => {
    const mine = await newTenant(gw);
    const theirs = await newTenant(gw);
    const foreign = await patch(mine.apiKey, theirs.phoneNumberId, { access_token: 'x' });
    const unknown = await patch(mine.apiKey, '123456789012345', { access_token: 'x' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe(unknown.json().error.code);
    expect(foreign.json().error.error_data).toEqual(unknown.json().error.error_data);
    expect((await remove(mine.apiKey, theirs.phoneNumberId, '?history=delete')).statusCode).toBe(404);
    expect(await storedCounts(gw, theirs.phoneNumberId)).toBeDefined();
    expect((await postWebhook(gw, inbound(theirs, `wamid.still-${theirs.phoneNumberId}`), theirs.appSecret)).statusCode).toBe(200);
  });

  it('removes a number keeping its history: no more sends or webhooks, and the same project can add it back', async () => {
    const t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [{ id: `wamid.kept-${t.phoneNumberId}`, timestamp: 1767268800 }]);
    const res = await remove(t.apiKey, t.phoneNumberId, '?history=keep');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { removed: true, history: 'kept' } });
    expect((await postWebhook(gw, inbound(t, `wamid.after-${t.phoneNumberId}`), t.appSecret)).statusCode).toBe(401);
    const send = await gw.app.inject({
      method: 'POST',
      url: `/v24.0/${t.phoneNumberId}/messages`,
      headers: { 'x-api-key': t.apiKey },
      payload: { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'hi' } },
    });
    expect(send.statusCode).toBe(404);
    expect((await getWithKey(gw, t.apiKey, '/platform/v1/whatsapp/phone_numbers')).json().data).toEqual([]);
    expect((await remove(t.apiKey, t.phoneNumberId, '?history=keep')).statusCode).toBe(404);
    expect((await storedCounts(gw, t.phoneNumberId)).messages).toBe(1);

    const other = await newProject(gw);
    await expect(addPhoneNumber(gw.deps, { ...t, projectId: other.projectId })).rejects.toThrow(/removed from another project with its history kept/);
    await addPhoneNumber(gw.deps, { ...t, projectId: t.projectId });
    const again = await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/messages`);
    expect(again.statusCode).toBe(200);
    expect(again.json().data.map((m: { id: string }) => m.id)).toEqual([`wamid.kept-${t.phoneNumberId}`]);
  });

  it('removes a number deleting its history, media files included, after which another project may add it', async () => {
    const t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [
      { id: `wamid.a-${t.phoneNumberId}`, timestamp: 1767268800 },
      { id: `wamid.b-${t.phoneNumberId}`, timestamp: 1767268801, direction: 'outbound' },
    ]);
    const blob = await gw.deps.blobs.put(Readable.from([Buffer.from(`bytes of ${t.phoneNumberId}`)]));
    await storedMedia(`media-${t.phoneNumberId}`, t.projectId, t.phoneNumberId, blob);

    const res = await remove(t.apiKey, t.phoneNumberId, '?history=delete');
    expect(res.json()).toEqual({ data: { removed: true, history: 'deleted' } });
    expect(await storedCounts(gw, t.phoneNumberId)).toEqual({ messages: 0, conversations: 0, contacts: 0, statuses: 0 });
    const media = await gw.deps.database.db.selectFrom('media').select('id').where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(media).toEqual([]);
    expect(await gw.deps.blobs.exists(blob.key)).toBe(false);
    const events = await gw.deps.database.db.selectFrom('events').select('type').where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(events.map((e) => e.type)).toEqual(['whatsapp.phone_number.deleted']);

    const other = await newProject(gw);
    await addPhoneNumber(gw.deps, { ...t, projectId: other.projectId });
  });

  it('leaves a blob another number still uses', async () => {
    const a = await newTenant(gw);
    const b = await newPhoneNumber(gw, a.projectId);
    const blob = await gw.deps.blobs.put(Readable.from([Buffer.from('shared bytes')]));
    for (const [n, pnid] of [['1', a.phoneNumberId], ['2', b.phoneNumberId]] as const) {
      await storedMedia(`media-${n}-${pnid}`, a.projectId, pnid, blob);
    }
    expect((await remove(a.apiKey, a.phoneNumberId, '?history=delete')).statusCode).toBe(200);
    expect(await gw.deps.blobs.exists(blob.key)).toBe(true);
  });
});
