import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { call, createWebhook, iso, numberWebhooks, PROJECT_WEBHOOKS } from './helpers.ts';
import { secretSlots } from '../../src/crypto/secrets.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GIVEN_SECRET = 'wh_sec_3kfj9dmfkg8s2-0123';

describe.each(dialects)('webhook subscriptions: create, read, update, delete (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
  });
  afterAll(() => gw.close());

  describe('phone-number webhooks', () => {
    it('creates one with the defaults of §8.7 and answers 201 with the whole object', async () => {
      const res = await call(gw, t.apiKey, 'POST', numberWebhooks(t.phoneNumberId), {
        whatsapp_webhook: {
          url: 'https://api.acme.com/webhooks/whatsapp',
          secret_key: GIVEN_SECRET,
          events: ['whatsapp.message.received', 'whatsapp.message.sent'],
          headers: { 'X-Source': 'switchboard' },
        },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({
        data: {
          id: expect.stringMatching(UUID),
          url: 'https://api.acme.com/webhooks/whatsapp',
          kind: 'kapso',
          events: ['whatsapp.message.received', 'whatsapp.message.sent'],
          active: true,
          secret_key: GIVEN_SECRET,
          headers: { 'X-Source': 'switchboard' },
          payload_version: 'v2',
          buffer_enabled: false,
          buffer_window_seconds: 5,
          max_buffer_size: 50,
          buffer_events: [],
          inactivity_minutes: 60,
          phone_number_id: t.phoneNumberId,
          project_id: t.projectId,
          created_at: iso(gw.clock.now()),
          updated_at: iso(gw.clock.now()),
          paused: false,
          paused_at: null,
        },
      });
    });

    it('generates a 32-byte hex secret when none is given, different every time', async () => {
      const fields = { url: 'https://api.acme.com/hook', events: ['whatsapp.message.read'] };
      const a = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), fields);
      const b = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), fields);
      expect(a.secret_key).toMatch(/^[0-9a-f]{64}$/);
      expect(b.secret_key).toMatch(/^[0-9a-f]{64}$/);
      expect(a.secret_key).not.toBe(b.secret_key);
    });

    it('takes buffering, inactivity (also spelled inactive_after_minutes) and an inactive start', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), {
        url: 'https://api.acme.com/buffered',
        events: ['whatsapp.message.received', 'whatsapp.conversation.inactive', 'whatsapp.message.received'],
        buffer_enabled: true,
        buffer_window_seconds: 10,
        max_buffer_size: 25,
        inactive_after_minutes: 30,
        active: false,
      });
      expect(created).toMatchObject({
        events: ['whatsapp.message.received', 'whatsapp.conversation.inactive'],
        buffer_enabled: true,
        buffer_window_seconds: 10,
        max_buffer_size: 25,
        buffer_events: ['whatsapp.message.received'],
        inactivity_minutes: 30,
        active: false,
      });
    });

    it('creates a meta-kind webhook with no events, whatever events were sent', async () => {
      const number = await newPhoneNumber(gw, t.projectId);
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(number.phoneNumberId), {
        url: 'https://api.acme.com/raw',
        kind: 'meta',
        events: ['whatsapp.message.received'],
      });
      expect(created).toMatchObject({ kind: 'meta', events: [], buffer_enabled: false, buffer_events: [], phone_number_id: number.phoneNumberId });
    });

    it('serves the webhook at both its addresses, identically', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url: 'https://api.acme.com/both', events: ['whatsapp.message.failed'] });
      const viaProject = await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${created.id}`);
      const viaNumber = await call(gw, t.apiKey, 'GET', `${numberWebhooks(t.phoneNumberId)}/${created.id}`);
      expect(viaProject.statusCode).toBe(200);
      expect(viaProject.json()).toEqual({ data: created });
      expect(viaNumber.json()).toEqual({ data: created });
    });

    it('lists the number’s webhooks only', async () => {
      const other = await newPhoneNumber(gw, t.projectId);
      const mine = await createWebhook(gw, t.apiKey, numberWebhooks(other.phoneNumberId), { url: 'https://api.acme.com/other', events: ['whatsapp.message.sent'] });
      const res = await call(gw, t.apiKey, 'GET', numberWebhooks(other.phoneNumberId));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ data: [mine], meta: { page: 1, per_page: 20, total_pages: 1, total_count: 1 } });
    });

    it('updates some fields, keeps the others and moves updated_at', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), {
        url: 'https://api.acme.com/v1',
        events: ['whatsapp.message.received'],
        headers: { 'X-A': '1' },
      });
      gw.clock.advance(5_000);
      const res = await call(gw, t.apiKey, 'PATCH', `${numberWebhooks(t.phoneNumberId)}/${created.id}`, {
        whatsapp_webhook: { url: 'https://api.acme.com/v2', events: ['whatsapp.message.delivered'], inactivity_minutes: 1440, secret_key: GIVEN_SECRET },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        data: {
          ...created,
          url: 'https://api.acme.com/v2',
          events: ['whatsapp.message.delivered'],
          inactivity_minutes: 1440,
          secret_key: GIVEN_SECRET,
          updated_at: iso(gw.clock.now()),
        },
      });
      expect((await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${created.id}`)).json()).toEqual(res.json());
    });

    it('turns buffering on with the bufferable events, and a null window back to the default', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url: 'https://api.acme.com/b', events: ['whatsapp.message.received'] });
      const on = await call(gw, t.apiKey, 'PATCH', `${PROJECT_WEBHOOKS}/${created.id}`, { whatsapp_webhook: { buffer_enabled: true, buffer_window_seconds: 60 } });
      expect(on.json().data).toMatchObject({ buffer_enabled: true, buffer_window_seconds: 60, buffer_events: ['whatsapp.message.received'] });
      const reset = await call(gw, t.apiKey, 'PATCH', `${PROJECT_WEBHOOKS}/${created.id}`, { whatsapp_webhook: { buffer_window_seconds: null } });
      expect(reset.json().data).toMatchObject({ buffer_enabled: true, buffer_window_seconds: 5 });
    });

    it('deletes at either address with 204, after which the webhook is gone', async () => {
      for (const base of [PROJECT_WEBHOOKS, numberWebhooks(t.phoneNumberId)]) {
        const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url: 'https://api.acme.com/gone', events: ['whatsapp.message.read'] });
        const res = await call(gw, t.apiKey, 'DELETE', `${base}/${created.id}`);
        expect(res.statusCode).toBe(204);
        expect(res.body).toBe('');
        expect((await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${created.id}`)).statusCode).toBe(404);
        expect((await call(gw, t.apiKey, 'DELETE', `${base}/${created.id}`)).statusCode).toBe(404);
      }
    });
  });

  describe('project webhooks', () => {
    it('creates one for project events with no phone number', async () => {
      const res = await call(gw, t.apiKey, 'POST', PROJECT_WEBHOOKS, {
        whatsapp_webhook: { url: 'https://api.acme.com/lifecycle', events: ['whatsapp.phone_number.created', 'workflow.execution.failed'] },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().data).toEqual(
        expect.objectContaining({
          kind: 'kapso',
          events: ['whatsapp.phone_number.created', 'workflow.execution.failed'],
          phone_number_id: null,
          project_id: t.projectId,
          buffer_enabled: false,
        }),
      );
    });

    it('scopes one to a number of the project when the body names it (then it takes number events)', async () => {
      const created = await createWebhook(gw, t.apiKey, PROJECT_WEBHOOKS, {
        url: 'https://api.acme.com/scoped',
        phone_number_id: t.phoneNumberId,
        events: ['whatsapp.conversation.created'],
      });
      expect(created).toMatchObject({ phone_number_id: t.phoneNumberId, events: ['whatsapp.conversation.created'] });
      expect((await call(gw, t.apiKey, 'GET', `${numberWebhooks(t.phoneNumberId)}/${created.id}`)).statusCode).toBe(200);
    });

    it('lists both scopes together, most recent first', async () => {
      const fresh = await newTenant(gw);
      gw.clock.advance(1_000);
      const numberHook = await createWebhook(gw, fresh.apiKey, numberWebhooks(fresh.phoneNumberId), { url: 'https://api.acme.com/n', events: ['whatsapp.message.sent'] });
      gw.clock.advance(1_000);
      const projectHook = await createWebhook(gw, fresh.apiKey, PROJECT_WEBHOOKS, { url: 'https://api.acme.com/p', events: ['whatsapp.phone_number.deleted'] });
      const res = await call(gw, fresh.apiKey, 'GET', PROJECT_WEBHOOKS);
      expect(res.json()).toEqual({ data: [projectHook, numberHook], meta: { page: 1, per_page: 20, total_pages: 1, total_count: 2 } });
    });

    it('is not served under a phone number’s address', async () => {
      const created = await createWebhook(gw, t.apiKey, PROJECT_WEBHOOKS, { url: 'https://api.acme.com/p2', events: ['whatsapp.phone_number.created'] });
      const res = await call(gw, t.apiKey, 'GET', `${numberWebhooks(t.phoneNumberId)}/${created.id}`);
      expect(res.statusCode).toBe(404);
      expect((await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${created.id}`)).statusCode).toBe(200);
    });

    it('updates and deletes like a number webhook', async () => {
      const created = await createWebhook(gw, t.apiKey, PROJECT_WEBHOOKS, { url: 'https://api.acme.com/p3', events: ['whatsapp.phone_number.created'] });
      const res = await call(gw, t.apiKey, 'PATCH', `${PROJECT_WEBHOOKS}/${created.id}`, { whatsapp_webhook: { events: ['workflow.execution.handoff'], active: false } });
      expect(res.json().data).toMatchObject({ events: ['workflow.execution.handoff'], active: false, phone_number_id: null });
      expect((await call(gw, t.apiKey, 'DELETE', `${PROJECT_WEBHOOKS}/${created.id}`)).statusCode).toBe(204);
    });
  });

  describe('pause and resume', () => {
    it('shows a paused webhook as paused, and active: true resumes it and clears its failures', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url: 'https://api.acme.com/flaky', events: ['whatsapp.message.received'] });
      const { db } = gw.deps.database;
      const pausedAt = gw.clock.now();
      // What the delivery worker does when a webhook keeps failing.
      await db.updateTable('webhooks').set({ paused_at: pausedAt, consecutive_failures: 12, failing_since: pausedAt - 60_000, active: 0 }).where('id', '=', created.id).execute();
      const paused = await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}/${created.id}`);
      expect(paused.json().data).toMatchObject({ paused: true, paused_at: iso(pausedAt), active: false });

      gw.clock.advance(60_000);
      const resumed = await call(gw, t.apiKey, 'PATCH', `${PROJECT_WEBHOOKS}/${created.id}`, { whatsapp_webhook: { active: true } });
      expect(resumed.statusCode).toBe(200);
      expect(resumed.json().data).toMatchObject({ paused: false, paused_at: null, active: true, updated_at: iso(gw.clock.now()) });
      const row = await db.selectFrom('webhooks').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ paused_at: null, consecutive_failures: 0, failing_since: null, active: 1 });
    });

    it('resumes a webhook the worker paused without deactivating it', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url: 'https://api.acme.com/flaky2', events: ['whatsapp.message.received'] });
      const { db } = gw.deps.database;
      await db.updateTable('webhooks').set({ paused_at: gw.clock.now(), consecutive_failures: 3 }).where('id', '=', created.id).execute();
      const resumed = await call(gw, t.apiKey, 'PATCH', `${PROJECT_WEBHOOKS}/${created.id}`, { whatsapp_webhook: { active: true } });
      expect(resumed.json().data).toMatchObject({ paused: false, paused_at: null, active: true });
    });
  });

  describe('storage', () => {
    it('keeps the secret encrypted, never in clear', async () => {
      const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), {
        url: 'https://api.acme.com/secret',
        events: ['whatsapp.message.received'],
        secret_key: GIVEN_SECRET,
      });
      const row = await gw.deps.database.db.selectFrom('webhooks').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(GIVEN_SECRET);
      expect(gw.deps.cipher.decrypt(row.secret_enc, secretSlots.webhookSecret(row.id))).toBe(GIVEN_SECRET);
    });
  });
});

describe.each(dialects)('webhook subscriptions with WEBHOOK_ALLOW_PRIVATE_URLS (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  });
  afterAll(() => gw.close());

  it.each(['http://localhost:4000/hook', 'http://127.0.0.1:4000/hook', 'http://10.0.0.8/hook'])('accepts the private URL %s', async (url) => {
    const t = await newTenant(gw);
    const created = await createWebhook(gw, t.apiKey, numberWebhooks(t.phoneNumberId), { url, events: ['whatsapp.message.received'] });
    expect(created.url).toBe(url);
  });
});
