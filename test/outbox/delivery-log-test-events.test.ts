import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META_RAW_EVENT, NUMBER_EVENTS, PROJECT_EVENTS } from '../../src/events/event-types.ts';
import { samplePayload } from '../../src/outbox/sample-payload.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { expectGraphError, expectInvalid } from '../webhooks/helpers.ts';
import { api, DELIVERIES, testPath } from './delivery-log-helpers.ts';

const ctx = { projectId: 'p-1', phoneNumberId: '112233445566778', now: Date.parse('2026-01-01T12:00:00Z'), wamid: 'wamid.TEST01' };

describe('sample payloads of test events', () => {
  it.each([
    ['whatsapp.message.received', ['message', 'conversation', 'is_new_conversation', 'phone_number_id']],
    ['whatsapp.message.sent', ['message', 'conversation', 'is_new_conversation', 'phone_number_id']],
    ['whatsapp.message.delivered', ['message', 'conversation', 'is_new_conversation', 'phone_number_id']],
    ['whatsapp.message.read', ['message', 'conversation', 'is_new_conversation', 'phone_number_id']],
    ['whatsapp.message.failed', ['message', 'conversation', 'is_new_conversation', 'phone_number_id']],
    ['whatsapp.conversation.created', ['conversation', 'phone_number_id']],
    ['whatsapp.conversation.ended', ['conversation', 'phone_number_id']],
    ['whatsapp.conversation.inactive', ['conversation', 'since_message', 'inactivity', 'phone_number_id']],
    ['whatsapp.phone_number.created', ['phone_number_id', 'project']],
    ['whatsapp.phone_number.deleted', ['phone_number_id', 'project']],
    ['workflow.execution.handoff', ['event', 'occurred_at', 'project_id', 'workflow_id', 'workflow_execution_id', 'status', 'tracking_id', 'channel', 'whatsapp_conversation_id', 'handoff']],
    ['workflow.execution.failed', ['event', 'occurred_at', 'project_id', 'workflow_id', 'workflow_execution_id', 'status', 'tracking_id', 'channel', 'whatsapp_conversation_id', 'error']],
    [META_RAW_EVENT, ['object', 'entry']],
  ])('renders %s with §8.4’s top-level keys', (type, keys) => {
    expect(Object.keys(JSON.parse(samplePayload(type, ctx)))).toEqual(keys);
  });

  it('covers every event a subscription can name', () => {
    for (const type of [...NUMBER_EVENTS, ...PROJECT_EVENTS]) expect(() => samplePayload(type, ctx)).not.toThrow();
  });

  it.each([
    ['whatsapp.message.sent', 'sent', ['sent']],
    ['whatsapp.message.read', 'read', ['sent', 'delivered', 'read']],
    ['whatsapp.message.failed', 'failed', ['sent', 'failed']],
  ])('gives %s the status %s and its history so far', (type, status, history) => {
    const { message } = JSON.parse(samplePayload(type, ctx));
    expect(message).toMatchObject({ id: 'wamid.TEST01', to: '15550000000', kapso: { direction: 'outbound', status } });
    expect(message.kapso.statuses.map((s: { status: string }) => s.status)).toEqual(history);
  });

  it('shows a created conversation with zero counts', () => {
    const { conversation } = JSON.parse(samplePayload('whatsapp.conversation.created', ctx));
    expect(conversation).toMatchObject({ id: '00000000-0000-0000-0000-000000000000', phone_number_id: ctx.phoneNumberId, kapso: { messages_count: 0, last_message_id: null } });
  });
});

describe.each(dialects)('webhook test events (%s)', (dialect) => {
  let gw: TestGateway;
  let chosen: Receiver;
  let bystander: Receiver;
  beforeAll(async () => {
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '1000' }, { isolated: true });
    chosen = await startReceiver();
    bystander = await startReceiver();
  });
  afterAll(async () => {
    await chosen.close();
    await bystander.close();
    await gw.close();
  });

  async function world() {
    chosen.requests.length = 0;
    bystander.requests.length = 0;
    const t = await newTenant(gw);
    const events = ['whatsapp.message.received', 'whatsapp.message.sent'];
    const hook = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: chosen.url, events });
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: bystander.url, events });
    return { t, hook };
  }

  it('delivers a signed sample of the chosen event to that webhook alone', async () => {
    const { t, hook } = await world();
    const res = await api(gw, t.apiKey, 'POST', testPath(hook.id), { event_type: 'whatsapp.message.sent' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { success: true } });
    await newWorker(gw).runOnce();

    expect(bystander.requests).toHaveLength(0);
    expect(chosen.requests).toHaveLength(1);
    const [request] = chosen.requests;
    expect(request?.headers['x-webhook-event']).toBe('whatsapp.message.sent');
    expect(request?.headers['x-webhook-signature']).toBe(createHmac('sha256', hook.secret).update(request?.body ?? '').digest('hex'));
    expect(request?.json).toMatchObject({
      message: { id: expect.stringMatching(/^wamid\.TEST[0-9A-F]{24}$/), kapso: { direction: 'outbound', status: 'sent' } },
      phone_number_id: t.phoneNumberId,
    });
    const [logged] = (await api(gw, t.apiKey, 'GET', DELIVERIES)).json().data;
    expect(logged).toMatchObject({ event: 'whatsapp.message.sent', webhook_id: hook.id, status: 'delivered', phone_number_id: t.phoneNumberId });
  });

  it("sends the webhook's first event when none is named, also on the phone number's path", async () => {
    const { t, hook } = await world();
    const nested = `/platform/v1/whatsapp/phone_numbers/${t.phoneNumberId}/webhooks/${hook.id}/test`;
    expect((await gw.app.inject({ method: 'POST', url: nested, headers: { 'x-api-key': t.apiKey } })).json()).toEqual({ data: { success: true } });
    await newWorker(gw).runOnce();
    expect(chosen.requests.map((r) => r.headers['x-webhook-event'])).toEqual(['whatsapp.message.received']);
    expect(chosen.requests[0]?.json).toMatchObject({ is_new_conversation: true, message: { from: '15550000000', kapso: { direction: 'inbound' } } });
  });

  it("refuses an event the webhook does not subscribe to, in Meta's envelope", async () => {
    const { t, hook } = await world();
    const res = await api(gw, t.apiKey, 'POST', testPath(hook.id), { event_type: 'whatsapp.message.read' });
    expectInvalid(res, "Parameter 'event_type' must be one of the webhook's events: whatsapp.message.received, whatsapp.message.sent.");
    expect((await api(gw, t.apiKey, 'POST', testPath(hook.id), { event_type: 'whatsapp.message.sent', extra: true })).statusCode).toBe(400);
    await newWorker(gw).runOnce();
    expect(chosen.requests).toHaveLength(0);
  });

  it('sends a project webhook a lifecycle sample and a meta webhook a raw Meta payload', async () => {
    const { t } = await world();
    // The number's own phone_number.created event goes out first, before the project webhook exists.
    await newWorker(gw).runOnce();
    const project = await subscribe(gw, { projectId: t.projectId, phoneNumberId: null, url: chosen.url, events: ['whatsapp.phone_number.created'] });
    const raw = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: bystander.url, kind: 'meta', events: [] });
    expect((await api(gw, t.apiKey, 'POST', testPath(project.id), {})).statusCode).toBe(200);
    expect((await api(gw, t.apiKey, 'POST', testPath(raw.id))).statusCode).toBe(200);
    await newWorker(gw).runOnce();
    expect(chosen.requests[0]?.json).toEqual({ phone_number_id: '000000000000000', project: { id: t.projectId } });
    expect(bystander.requests[0]?.json).toMatchObject({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages' }] }] });
  });

  it('refuses an inactive webhook, which would never receive it', async () => {
    const { t, hook } = await world();
    await gw.deps.database.db.updateTable('webhooks').set({ active: 0 }).where('id', '=', hook.id).execute();
    const res = await api(gw, t.apiKey, 'POST', testPath(hook.id));
    expectGraphError(res, { status: 409, message: '(#100) Conflict', details: `Webhook ${hook.id} is inactive; activate it to send a test event.` });
  });
});
