import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject, postWebhook, type TestNumber, type TestProject } from '../helpers/factories.ts';
import { type GraphRecorder, startGraphRecorder } from '../helpers/graph-recorder.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { captureLogs, type LogCapture } from '../helpers/log-capture.ts';
import { messagesWebhook, statusesWebhook, statusItem, textMessage } from '../helpers/webhooks.ts';

/**
 * One request can be followed from the client to Meta and through the log: its X-Request-Id (the
 * client's when acceptable, else a UUID) comes back on every answer, names every log line of the
 * request (`reqId`), is the `fbtrace_id` of an error envelope, and goes to Meta with the calls the
 * request makes. A webhook's request line names the wamids it carried.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(dialects)('request ids (%s)', (dialect) => {
  let gw: TestGateway;
  let logs: LogCapture;
  let meta: GraphRecorder;
  let t: TestProject & TestNumber;

  beforeAll(async () => {
    logs = captureLogs('debug');
    meta = await startGraphRecorder();
    gw = await startGateway(dialect, {}, { log: logs.log });
    const project = await newProject(gw);
    t = { ...project, ...(await newPhoneNumber(gw, project.projectId, { graphUrl: meta.url })) };
  });
  afterAll(async () => {
    await gw?.close();
    await meta?.close();
  });

  /** The log lines of one request, and its one `request` line. */
  const linesOf = (id: string) => logs.lines().filter((l) => l.reqId === id);
  const requestLineOf = (id: string) => linesOf(id).find((l) => l.msg === 'request');
  const listUrl = () => `/v24.0/${t.phoneNumberId}/messages`;

  it('echoes a client’s X-Request-Id and logs the request under it', async () => {
    const id = `client/${randomUUID()} #1`;
    const res = await gw.app.inject({ method: 'GET', url: listUrl(), headers: { 'x-api-key': t.apiKey, 'x-request-id': id } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe(id);
    expect(requestLineOf(id)).toMatchObject({ reqId: id, url: listUrl(), status: 200 });
  });

  it('keeps an id of exactly 128 printable characters', async () => {
    const id = `${randomUUID()}${'~'.repeat(128 - 36)}`;
    const res = await gw.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': id } });
    expect(res.headers['x-request-id']).toBe(id);
  });

  it('generates a UUID when the client sends none', async () => {
    const res = await gw.app.inject({ method: 'GET', url: listUrl(), headers: { 'x-api-key': t.apiKey } });
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    expect(requestLineOf(id)).toMatchObject({ status: 200 });
  });

  it.each([
    ['over 128 characters', 'x'.repeat(129)],
    ['empty', ''],
    ['with a tab', 'a\tb'],
    ['with a character outside ASCII', 'caf\u00e9'],
  ])('replaces an id %s with a UUID of its own', async (_what, bad) => {
    const res = await gw.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': bad } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(logs.text()).not.toContain(bad === '' ? '"reqId":""' : bad);
  });

  it.each([
    ['a refused API key (401, from the auth hook)', () => ({ method: 'GET' as const, url: listUrl(), headers: { 'x-api-key': 'sk_not_a_key' } }), 401],
    ['an unknown path (404)', () => ({ method: 'GET' as const, url: '/v24.0/nothing/here/at/all', headers: {} }), 404],
    ['a body the schema refuses (400)', () => ({ method: 'POST' as const, url: `/v24.0/${t.phoneNumberId}/calls`, headers: { 'x-api-key': t.apiKey }, payload: { messaging_product: 'whatsapp', action: 'hold' } }), 400],
  ])('answers %s with the id in the header, in fbtrace_id and on its log lines', async (_what, request, status) => {
    const id = `err-${randomUUID()}`;
    const req = request();
    const res = await gw.app.inject({ ...req, headers: { ...req.headers, 'x-request-id': id } });
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-request-id']).toBe(id);
    expect(res.json().error.fbtrace_id).toBe(id);
    expect(requestLineOf(id)).toMatchObject({ status });
  });

  it('answers a path the router refuses (before any hook) with the id in the header and fbtrace_id', async () => {
    const id = `router-${randomUUID()}`;
    const res = await gw.app.inject({ method: 'GET', url: '/v24.0/%zz/messages', headers: { 'x-request-id': id } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-request-id']).toBe(id);
    expect(res.json().error.fbtrace_id).toBe(id);
    expect(linesOf(id).length).toBeGreaterThan(0);
  });

  it('gives a generated id to the envelope and the header alike', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/v24.0/nothing/here/at/all' });
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.json().error.fbtrace_id).toBe(res.headers['x-request-id']);
  });

  it('logs the refusal and the request line of a failed request under the same id', async () => {
    const id = `refused-${randomUUID()}`;
    await gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/calls`, headers: { 'x-api-key': t.apiKey, 'x-request-id': id }, payload: { messaging_product: 'whatsapp', action: 'hold' } });
    expect(linesOf(id).map((l) => l.msg)).toEqual(['(#100) Invalid parameter', 'request']);
  });

  it('answers an ingest POST with its id and logs the wamids and statuses it carried', async () => {
    const wamid = `wamid.REQID${randomUUID().replace(/-/g, '')}`;
    const body = messagesWebhook(t.phoneNumberId, [textMessage(wamid, 'hello')]);
    const first = await postWebhook(gw, body, t.appSecret, { 'x-request-id': 'meta-delivery-1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-request-id']).toBe('meta-delivery-1');
    expect(requestLineOf('meta-delivery-1')).toMatchObject({ url: '/webhooks/whatsapp', status: 200, messages: [wamid] });
    expect(requestLineOf('meta-delivery-1')).not.toHaveProperty('duplicates');

    const again = await postWebhook(gw, body, t.appSecret);
    expect(requestLineOf(again.headers['x-request-id'] as string)).toMatchObject({ messages: [wamid], duplicates: 1 });

    const status = await postWebhook(gw, statusesWebhook(t.phoneNumberId, [statusItem('wamid.OURS1', 'delivered', 1767268900)]), t.appSecret);
    expect(requestLineOf(status.headers['x-request-id'] as string)).toMatchObject({ statuses: [{ wamid: 'wamid.OURS1', status: 'delivered' }] });
  });

  it('answers an unsigned webhook (refused before ingest) with its id', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-request-id': 'unsigned-1' }, payload: '{}' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-request-id']).toBe('unsigned-1');
    expect(res.json().error.fbtrace_id).toBe('unsigned-1');
  });

  it('sends the request’s id to Meta with the send it makes, and logs the wamid Meta gave', async () => {
    const before = meta.calls.length;
    const id = `send-${randomUUID()}`;
    const res = await gw.app.inject({
      method: 'POST',
      url: `/v24.0/${t.phoneNumberId}/messages`,
      headers: { 'x-api-key': t.apiKey, 'x-request-id': id },
      payload: { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'hi' } },
    });
    expect(res.statusCode).toBe(200);
    expect(meta.calls.slice(before)).toEqual([expect.objectContaining({ method: 'POST', target: `/v24.0/${t.phoneNumberId}/messages`, requestId: id })]);
    // The request's line names the wamid Meta gave, which the message's statuses will carry.
    expect(requestLineOf(id)).toMatchObject({ status: 200, wamid: res.json().messages[0].id });
  });

  it('sends the request’s id to Meta with the template read of a broadcast it creates', async () => {
    const before = meta.calls.length;
    const id = `broadcast-${randomUUID()}`;
    const res = await gw.app.inject({
      method: 'POST',
      url: '/platform/v1/whatsapp/broadcasts',
      headers: { 'x-api-key': t.apiKey, 'x-request-id': id },
      payload: { whatsapp_broadcast: { name: 'ids', phone_number_id: t.phoneNumberId, whatsapp_template_id: '1234567890' } },
    });
    // The recorder lists no templates: the broadcast is refused, after Meta was asked.
    expect(res.statusCode).toBe(422);
    expect(meta.calls.slice(before)).toEqual([expect.objectContaining({ method: 'GET', target: expect.stringMatching(new RegExp(`^/v24\\.0/${t.wabaId}/message_templates\\?`)), requestId: id })]);
  });

  it('sends a generated id to Meta when the client sent none', async () => {
    const before = meta.calls.length;
    const res = await gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/call_permissions?user_wa_id=14155550123`, headers: { 'x-api-key': t.apiKey } });
    expect(res.statusCode).toBe(200);
    expect(meta.calls.slice(before).map((c) => c.requestId)).toEqual([res.headers['x-request-id']]);
  });
});
