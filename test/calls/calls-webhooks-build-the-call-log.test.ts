import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordCallEvents } from '../../src/calls/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { callsWebhook, inboundConnect, terminateItem } from '../helpers/call-webhooks.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const T = 1767268800;

/** Meta's `calls` webhooks, ingested, as the call log reads them back (kapso-api.md §6.7.2). */
describe.each(dialects)('calls webhooks build the call log (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  const deliver = async (value: Parameters<typeof callsWebhook>[1]) => {
    const res = await postWebhook(gw, callsWebhook(t.phoneNumberId, value), t.appSecret);
    expect(res.statusCode).toBe(200);
  };
  const calls = async (query = '') => {
    const res = await gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/calls${query}`, headers: { 'x-api-key': t.apiKey } });
    expect(res.statusCode).toBe(200);
    return res.json().data as Array<Record<string, unknown>>;
  };
  const rowCount = async (callId: string) =>
    Number((await gw.deps.database.db.selectFrom('calls').select((eb) => eb.fn.countAll().as('n')).where('call_id', '=', callId).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  beforeEach(async () => {
    t = await newTenant(gw);
  });
  afterAll(() => gw.close());

  it('logs a customer call from its connect, then completes it with its duration at terminate', async () => {
    await deliver({ contacts: [{ profile: { name: 'Maya Chen' }, wa_id: '14155550123' }], calls: [inboundConnect('wacid.in-1', T)] });
    expect(await calls()).toEqual([expect.objectContaining({ call_id: 'wacid.in-1', direction: 'inbound', status: 'ringing', started_at: '2026-01-01T12:00:00.000000Z', ended_at: null, duration_seconds: null, user_wa_id: '14155550123' })]);
    await deliver({ calls: [terminateItem('wacid.in-1', { timestamp: T + 70, status: 'COMPLETED', start: T + 10, end: T + 70, duration: 60 })] });
    const [call] = await calls();
    expect(call).toMatchObject({
      call_id: 'wacid.in-1',
      status: 'completed',
      duration_seconds: 60,
      // The first event fixed when the call started; the terminate says when it was answered and ended.
      started_at: '2026-01-01T12:00:00.000000Z',
      session_started_at: '2026-01-01T12:00:10.000000Z',
      ended_at: '2026-01-01T12:01:10.000000Z',
      phone_number_id: t.phoneNumberId,
    });
    expect(call?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps one row for a webhook delivered twice, and its state', async () => {
    await deliver({ calls: [inboundConnect('wacid.dup', T)] });
    const body = callsWebhook(t.phoneNumberId, { calls: [terminateItem('wacid.dup', { timestamp: T + 30, status: 'FAILED', end: T + 30 })] });
    await Promise.all([postWebhook(gw, body, t.appSecret), postWebhook(gw, body, t.appSecret)]);
    await deliver({ calls: [inboundConnect('wacid.dup', T)] });
    expect(await rowCount('wacid.dup')).toBe(1);
    expect(await calls()).toEqual([expect.objectContaining({ call_id: 'wacid.dup', status: 'failed', ended_at: '2026-01-01T12:00:30.000000Z' })]);
  });

  it('leaves one row, in the furthest state, when two transactions record the same new call at once', async () => {
    const event = (status: 'ringing' | 'completed') => ({
      phoneNumberId: t.phoneNumberId, callId: 'wacid.race', direction: 'inbound' as const, status, userWaId: '14155550123', atMs: T * 1000,
      startedAtMs: null, sessionStartedAtMs: null, endedAtMs: status === 'completed' ? (T + 9) * 1000 : null, durationSeconds: status === 'completed' ? 9 : null, bizOpaqueCallbackData: null,
    });
    const { db } = gw.deps.database;
    const record = (status: 'ringing' | 'completed') => db.transaction().execute((trx) => recordCallEvents(trx, [{ event: event(status), now: T * 1000 }]));
    await Promise.all([record('completed'), record('ringing'), record('completed'), record('ringing')]);
    expect(await rowCount('wacid.race')).toBe(1);
    expect((await calls())[0]).toMatchObject({ status: 'completed', duration_seconds: 9 });
  });

  it('never moves a call back: a connect arriving after its terminate changes nothing', async () => {
    await deliver({ calls: [terminateItem('wacid.late', { timestamp: T + 90, status: 'COMPLETED', start: T + 30, end: T + 90, duration: 60 })] });
    const before = await calls();
    await deliver({ calls: [inboundConnect('wacid.late', T)] });
    expect(await calls()).toEqual(before);
    expect(before[0]).toMatchObject({ status: 'completed', started_at: '2026-01-01T12:00:30.000000Z', duration_seconds: 60 });
  });

  it("follows an outbound call's statuses forward: ringing, answered, then completed", async () => {
    const status = (s: string, at: number) => ({ id: 'wacid.out', timestamp: String(at), type: 'call', status: s, recipient_id: '14155550777' });
    await deliver({ statuses: [status('RINGING', T)] });
    expect((await calls())[0]).toMatchObject({ direction: 'outbound', status: 'ringing', user_wa_id: '14155550777' });
    await deliver({ statuses: [status('ACCEPTED', T + 3)] });
    expect((await calls())[0]).toMatchObject({ status: 'answered', session_started_at: '2026-01-01T12:00:03.000000Z' });
    await deliver({ statuses: [status('RINGING', T)] });
    expect((await calls())[0]).toMatchObject({ status: 'answered' });
    await deliver({ calls: [terminateItem('wacid.out', { timestamp: T + 63, status: 'COMPLETED', direction: 'BUSINESS_INITIATED', from: '15550102030', to: '14155550777', start: T + 3, end: T + 63, duration: 60 })] });
    expect((await calls())[0]).toMatchObject({ status: 'completed', duration_seconds: 60, session_started_at: '2026-01-01T12:00:03.000000Z' });
  });

  it("links a known customer's call to their contact and current conversation", async () => {
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.call-ctx', 'call me?', T)]), t.appSecret);
    const contact = await gw.deps.database.db.selectFrom('contacts').selectAll().where('phone_number_id', '=', t.phoneNumberId).executeTakeFirstOrThrow();
    await deliver({ calls: [inboundConnect('wacid.known', T + 60)] });
    expect((await calls())[0]).toMatchObject({
      whatsapp_contact_id: contact.id,
      whatsapp_conversation_id: contact.current_conversation_id,
      whatsapp_contact: { id: contact.id, wa_id: '14155550123', profile_name: 'Maya Chen', display_name: null },
    });
  });

  it('logs an unknown caller without a contact', async () => {
    await deliver({ calls: [inboundConnect('wacid.stranger', T, '14155550666')] });
    expect((await calls())[0]).toMatchObject({ whatsapp_contact_id: null, whatsapp_conversation_id: null, whatsapp_contact: null });
  });

  it('answers a malformed calls change 400 and stores nothing of it', async () => {
    const res = await postWebhook(gw, callsWebhook(t.phoneNumberId, { calls: [{ event: 'connect', timestamp: String(T) }] }), t.appSecret);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(await calls()).toEqual([]);
  });
});
