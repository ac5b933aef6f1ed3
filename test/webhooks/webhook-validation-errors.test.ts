import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { call, createWebhook, expectGraphError, expectInvalid, numberWebhooks, PROJECT_WEBHOOKS } from './helpers.ts';

const URL = 'https://api.acme.com/hook';
const MESSAGE = ['whatsapp.message.received'];
const PROJECT_EVENT = ['whatsapp.phone_number.created'];
const PRIVATE_HINT = " Such URLs are refused unless the gateway's serve and worker processes run with WEBHOOK_ALLOW_PRIVATE_URLS=true, which allows them for local development.";
const NUMBER_EVENT_LIST =
  'whatsapp.message.received, whatsapp.message.sent, whatsapp.message.delivered, whatsapp.message.read, whatsapp.message.failed, whatsapp.conversation.created, whatsapp.conversation.ended, whatsapp.conversation.inactive';

describe.each(dialects)('webhook subscription errors (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
  });
  afterAll(() => gw.close());

  const createOnNumber = (fields: Record<string, unknown>) => call(gw, t.apiKey, 'POST', numberWebhooks(t.phoneNumberId), { whatsapp_webhook: fields });
  const createOnProject = (fields: Record<string, unknown>) => call(gw, t.apiKey, 'POST', PROJECT_WEBHOOKS, { whatsapp_webhook: fields });

  describe('on create', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['an ftp URL', { url: 'ftp://api.acme.com/hook', events: MESSAGE }, 'url must use https (or http).'],
      ['a relative URL', { url: '/hook', events: MESSAGE }, 'url is not a valid absolute URL.'],
      ['a URL with credentials', { url: 'https://me:pw@api.acme.com/hook', events: MESSAGE }, 'url must not carry credentials; use headers instead.'],
      ['a loopback URL', { url: 'http://127.0.0.1:8080/hook', events: MESSAGE }, 'url host 127.0.0.1 is a local or private address, which webhooks may not target.'+PRIVATE_HINT],
      ['a localhost URL', { url: 'http://localhost:8080/hook', events: MESSAGE }, 'url host localhost is a local or private address, which webhooks may not target.'+PRIVATE_HINT],
      ['a private-network URL', { url: 'https://192.168.1.20/hook', events: MESSAGE }, 'url host 192.168.1.20 is a local or private address, which webhooks may not target.'+PRIVATE_HINT],
      ['the cloud metadata address', { url: 'http://169.254.169.254/latest', events: MESSAGE }, 'url host 169.254.169.254 is a local or private address, which webhooks may not target.'+PRIVATE_HINT],
      ['an IPv6 loopback URL', { url: 'http://[::1]/hook', events: MESSAGE }, 'url host [::1] is a local or private address, which webhooks may not target.'+PRIVATE_HINT],
      ['an unknown event', { url: URL, events: ['whatsapp.message.received', 'whatsapp.message.exploded'] }, `Unknown event 'whatsapp.message.exploded'; a phone-number webhook accepts ${NUMBER_EVENT_LIST}.`],
      ['an unknown event with a loopback URL', { url: 'http://localhost:4000/hook', events: ['message.received'] }, `Unknown event 'message.received'; a phone-number webhook accepts ${NUMBER_EVENT_LIST}.`],
      [
        'a project event',
        { url: URL, events: ['whatsapp.message.sent', 'whatsapp.phone_number.created'] },
        "Event 'whatsapp.phone_number.created' is a project event; phone-number webhooks accept only whatsapp.message.received, whatsapp.message.sent, whatsapp.message.delivered, whatsapp.message.read, whatsapp.message.failed, whatsapp.conversation.created, whatsapp.conversation.ended, whatsapp.conversation.inactive.",
      ],
      ['no events', { url: URL }, 'Subscribe to at least one event.'],
      ['an empty event list', { url: URL, events: [] }, 'Subscribe to at least one event.'],
      ['an unbufferable buffer event', { url: URL, events: MESSAGE, buffer_enabled: true, buffer_events: ['whatsapp.message.sent'] }, "Event 'whatsapp.message.sent' cannot be buffered; only whatsapp.message.received can."],
      ['an unknown buffer event', { url: URL, events: MESSAGE, buffer_events: ['nope'] }, "Event 'nope' cannot be buffered; only whatsapp.message.received can."],
      ['a buffering meta webhook', { url: URL, kind: 'meta', buffer_enabled: true }, "A 'meta' webhook forwards payloads as received and cannot buffer."],
    ])('refuses %s on a phone-number webhook', async (_label, fields, details) => {
      expectInvalid(await createOnNumber(fields), details);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['v1 payloads', { payload_version: 'v1' }, "Param whatsapp_webhook.payload_version: payload_version 'v1' (legacy payloads) is not supported; use 'v2'"],
      ['an unknown payload version', { payload_version: 'v3' }, 'Param whatsapp_webhook.payload_version'],
      ['a buffer window of 0 s', { buffer_window_seconds: 0 }, 'Param whatsapp_webhook.buffer_window_seconds'],
      ['a buffer window of 61 s', { buffer_window_seconds: 61 }, 'Param whatsapp_webhook.buffer_window_seconds'],
      ['a fractional buffer window', { buffer_window_seconds: 2.5 }, 'Param whatsapp_webhook.buffer_window_seconds'],
      ['a max buffer of 0', { max_buffer_size: 0 }, 'Param whatsapp_webhook.max_buffer_size'],
      ['a max buffer of 101', { max_buffer_size: 101 }, 'Param whatsapp_webhook.max_buffer_size'],
      ['inactivity of 0 minutes', { inactivity_minutes: 0 }, 'Param whatsapp_webhook.inactivity_minutes'],
      ['inactivity over a day', { inactivity_minutes: 1441 }, 'Param whatsapp_webhook.inactivity_minutes'],
      ['inactivity over a day, by its alias', { inactive_after_minutes: 2000 }, 'Param whatsapp_webhook.inactive_after_minutes'],
      ['a secret under 16 characters', { secret_key: 'short' }, 'Param whatsapp_webhook.secret_key: secret_key must be at least 16 characters'],
      ['an unknown field', { evnts: MESSAGE }, 'Unknown parameter whatsapp_webhook.evnts.'],
      ['a missing url', { url: undefined }, 'The parameter whatsapp_webhook.url is required.'],
      ['a non-string header value', { headers: { 'X-N': 1 } }, 'Param whatsapp_webhook.headers.X-N must be a string.'],
      ['a header we set', { headers: { 'X-Webhook-Signature': 'forged' } }, "header 'X-Webhook-Signature' is set by the gateway and cannot be overridden"],
      ['Content-Type', { headers: { 'content-type': 'text/plain' } }, "header 'content-type' is set by the gateway and cannot be overridden"],
      ['X-Idempotency-Key', { headers: { 'X-Idempotency-Key': 'k' } }, "header 'X-Idempotency-Key' is set by the gateway and cannot be overridden"],
      ['Host', { headers: { Host: 'evil.example' } }, "header 'Host' is set by the gateway and cannot be overridden"],
      ['a header name with a space', { headers: { 'Bad Header': 'x' } }, "header name 'Bad Header' is not a valid HTTP header name"],
      ['a header value with a line break', { headers: { 'X-A': 'a\r\nX-B: b' } }, "header 'X-A' has a value with control or non-ASCII characters"],
      ['one header twice', { headers: { 'X-A': '1', 'x-a': '2' } }, "header 'x-a' is given twice"],
      ['21 headers', { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) }, 'at most 20 headers'],
    ])('refuses %s', async (_label, extra, details) => {
      expectInvalid(await createOnNumber({ url: URL, events: MESSAGE, ...extra }), expect.stringContaining(details));
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a number event', { url: URL, events: MESSAGE }, "Event 'whatsapp.message.received' is a phone-number event; subscribe to it with a phone-number webhook."],
      [
        'an unknown event',
        { url: URL, events: ['whatsapp.number.created'] },
        "Unknown event 'whatsapp.number.created'; a project webhook accepts whatsapp.phone_number.created, whatsapp.phone_number.deleted, whatsapp.broadcast.started, whatsapp.broadcast.completed, whatsapp.broadcast.stopped, whatsapp.broadcast.failed, workflow.execution.handoff, workflow.execution.failed.",
      ],
      ['a meta webhook without a number', { url: URL, kind: 'meta' }, "A 'meta' webhook forwards one phone number's raw Meta webhooks; give a phone_number_id."],
      ['buffering', { url: URL, events: PROJECT_EVENT, buffer_enabled: true, buffer_events: [] }, 'Only phone-number webhooks can buffer (only message events are buffered).'],
    ])('refuses %s on a project webhook', async (_label, fields, details) => {
      expectInvalid(await createOnProject(fields), details);
    });

    it('refuses a body phone_number_id that is not the path’s number', async () => {
      const other = await newPhoneNumber(gw, t.projectId);
      const res = await createOnNumber({ url: URL, events: MESSAGE, phone_number_id: other.phoneNumberId });
      expectInvalid(res, "whatsapp_webhook.phone_number_id must match the path's phone number (or be left out).");
    });

    it('refuses a body without the whatsapp_webhook envelope', async () => {
      const res = await call(gw, t.apiKey, 'POST', numberWebhooks(t.phoneNumberId), { url: URL, events: MESSAGE });
      expectInvalid(res, 'The parameter whatsapp_webhook is required.');
    });

    it('refuses a second meta webhook on a number with 409, and keeps the first', async () => {
      const number = await newPhoneNumber(gw, t.projectId);
      const first = await createWebhook(gw, t.apiKey, numberWebhooks(number.phoneNumberId), { url: URL, kind: 'meta' });
      for (const res of [
        await call(gw, t.apiKey, 'POST', numberWebhooks(number.phoneNumberId), { whatsapp_webhook: { url: 'https://other.example.com/raw', kind: 'meta' } }),
        await createOnProject({ url: 'https://other.example.com/raw', kind: 'meta', phone_number_id: number.phoneNumberId }),
      ]) {
        expectGraphError(res, {
          status: 409,
          message: '(#100) Conflict',
          details: `Phone number ${number.phoneNumberId} already has a 'meta' webhook (${first.id}); a number can have only one.`,
        });
      }
      const listed = await call(gw, t.apiKey, 'GET', numberWebhooks(number.phoneNumberId));
      expect(listed.json().data.map((w: { id: string }) => w.id)).toEqual([first.id]);
    });

    it('allows one meta webhook on each of two numbers, and kapso ones beside it', async () => {
      const a = await newPhoneNumber(gw, t.projectId);
      const b = await newPhoneNumber(gw, t.projectId);
      await createWebhook(gw, t.apiKey, numberWebhooks(a.phoneNumberId), { url: URL, kind: 'meta' });
      await createWebhook(gw, t.apiKey, numberWebhooks(b.phoneNumberId), { url: URL, kind: 'meta' });
      await createWebhook(gw, t.apiKey, numberWebhooks(a.phoneNumberId), { url: URL, events: MESSAGE });
    });

    it('stores exactly one of several meta webhooks created at once for one number', async () => {
      const number = await newPhoneNumber(gw, t.projectId);
      const results = await Promise.all(
        Array.from({ length: 4 }, () => call(gw, t.apiKey, 'POST', numberWebhooks(number.phoneNumberId), { whatsapp_webhook: { url: URL, kind: 'meta' } })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    });
  });

  describe('on update', () => {
    const patch = (id: string, fields: Record<string, unknown>) => call(gw, t.apiKey, 'PATCH', `${PROJECT_WEBHOOKS}/${id}`, { whatsapp_webhook: fields });

    it.each<[string, Record<string, unknown>, string | ReturnType<typeof expect.stringContaining>]>([
      ['a private URL', { url: 'http://10.1.1.1/x' }, 'url host 10.1.1.1 is a local or private address, which webhooks may not target.'+PRIVATE_HINT],
      ['an empty event list', { events: [] }, 'Subscribe to at least one event.'],
      ['a project event', { events: PROJECT_EVENT }, expect.stringContaining("Event 'whatsapp.phone_number.created' is a project event")],
      ['a change of kind', { kind: 'meta' }, 'kind cannot be changed after creation; create another webhook instead.'],
      ['a change of scope', { phone_number_id: '100000000000009' }, 'A webhook cannot move to another scope; create another webhook instead.'],
      ['nothing to change', {}, expect.stringContaining('give at least one field to change')],
      ['v1 payloads', { payload_version: 'v1' }, expect.stringContaining("payload_version 'v1' (legacy payloads) is not supported")],
      ['a max buffer of 101', { max_buffer_size: 101 }, expect.stringContaining('Param whatsapp_webhook.max_buffer_size')],
    ])('refuses %s and leaves the webhook unchanged', async (_label, fields, details) => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url: URL, events: MESSAGE });
      expectInvalid(await patch(created.id, fields), details);
      expect((await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${created.id}`)).json()).toEqual({ data: created });
    });

    it('accepts the scope it already has, as clients echo the object back', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url: URL, events: MESSAGE });
      const res = await patch(created.id, { phone_number_id: t.phoneNumberId, kind: 'kapso', active: false });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ active: false, phone_number_id: t.phoneNumberId });
    });
  });

  describe('on list', () => {
    it.each<[string, string]>([
      ['page=0', 'Param page'],
      ['per_page=101', 'Param per_page'],
      ['per_page=0', 'Param per_page'],
      ['active=yes', 'Param active'],
      ['created_after=yesterday', "Param created_after: 'yesterday' is not an ISO 8601 instant"],
      ['created_before=2026-02-30T00:00:00Z', "Param created_before: '2026-02-30T00:00:00Z' is not an ISO 8601 instant"],
    ])('refuses %s', async (query, details) => {
      expectInvalid(await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?${query}`), expect.stringContaining(details));
      expectInvalid(await call(gw, t.apiKey, 'GET', `${numberWebhooks(t.phoneNumberId)}?${query}`), expect.stringContaining(details));
    });
  });
});
