import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/ingest/signature.ts';
import { dialects } from '../helpers/dialects.ts';
import { storedCounts } from '../helpers/db-counts.ts';
import { fixtureFor, newPhoneNumber, newProject, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { secretSlots } from '../../src/crypto/secrets.ts';

describe.each(dialects)('webhook signatures (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const post = (body: string, headers: Record<string, string>) =>
    gw.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', ...headers }, payload: body });

  const MISSING = 'X-Hub-Signature-256 is missing; Meta signs every webhook with the app secret of the number it names.';
  const MALFORMED = "X-Hub-Signature-256 is malformed: expected 'sha256=' followed by 64 hexadecimal digits.";
  const MISMATCH = 'X-Hub-Signature-256 does not match the payload for the app secret of the phone number it names.';
  it.each<[string, (b: string, s: string) => Record<string, string>, string]>([
    ['missing', () => ({}), MISSING],
    ['empty', () => ({ 'x-hub-signature-256': '' }), MISSING],
    ['without the sha256= prefix', (b, s) => ({ 'x-hub-signature-256': signPayload(b, s).slice(7) }), MALFORMED],
    ['truncated', (b, s) => ({ 'x-hub-signature-256': signPayload(b, s).slice(0, 40) }), MALFORMED],
    ['forged', () => ({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }), MISMATCH],
    ['made with another app secret', (b) => ({ 'x-hub-signature-256': signPayload(b, 'some-other-app-secret') }), MISMATCH],
    ['over different bytes', (b, s) => ({ 'x-hub-signature-256': signPayload(`${b} `, s) }), MISMATCH],
    ['sha1 only (no X-Hub-Signature-256)', () => ({ 'x-hub-signature': 'sha1=0000000000000000000000000000000000000000' }), MISSING],
  ])('answers 401, saying why, and stores nothing when the signature is %s', async (_label, headersFor, details) => {
    const t = await newTenant(gw);
    const body = fixtureFor('text', t);
    const res = await post(body, headersFor(body, t.appSecret));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190, type: 'OAuthException', message: 'Invalid webhook signature', error_data: { details } });
    expect(res.json().error.fbtrace_id).toBeTruthy();
    expect(await storedCounts(gw, t.phoneNumberId)).toEqual({ messages: 0, conversations: 0, contacts: 0, statuses: 0 });
  });

  it('refuses a payload for a phone number that is not registered', async () => {
    const body = messagesWebhook('990000000000001', [textMessage('wamid.X', 'hi')]);
    const res = await postWebhook(gw, body, 'any-secret');
    expect(res.statusCode).toBe(401);
  });

  it('stores a payload naming two numbers of one app, each under its own number', async () => {
    const project = await newProject(gw);
    const a = await newPhoneNumber(gw, project.projectId);
    const b = await newPhoneNumber(gw, project.projectId);
    // Same Meta app: register the second number with the first one's app secret.
    await gw.deps.database.db
      .updateTable('phone_numbers')
      .set({ app_secret_enc: gw.deps.cipher.encrypt(a.appSecret, secretSlots.appSecret(b.phoneNumberId)) })
      .where('id', '=', b.phoneNumberId)
      .execute();
    const body = fixtureFor('two-numbers', a).split('998877665544332').join(b.phoneNumberId);
    expect((await postWebhook(gw, body, a.appSecret)).statusCode).toBe(200);
    expect((await storedCounts(gw, a.phoneNumberId)).messages).toBeGreaterThan(0);
    expect((await storedCounts(gw, b.phoneNumberId)).messages).toBeGreaterThan(0);
  });

  it('refuses a payload naming two numbers when one of their app secrets does not verify it', async () => {
    const a = await newTenant(gw);
    const b = await newTenant(gw);
    const body = fixtureFor('two-numbers', a).split('998877665544332').join(b.phoneNumberId);
    expect((await postWebhook(gw, body, a.appSecret)).statusCode).toBe(401);
    expect((await storedCounts(gw, a.phoneNumberId)).messages).toBe(0);
    expect((await storedCounts(gw, b.phoneNumberId)).messages).toBe(0);
  });

  it('answers 400 in the envelope for a signed body that is not JSON', async () => {
    const t = await newTenant(gw);
    const res = await postWebhook(gw, '{"object": "whatsapp_business_account", ', t.appSecret);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException' });
  });

  it('answers 400 for a verified envelope whose message has no id, storing nothing', async () => {
    const t = await newTenant(gw);
    const body = messagesWebhook(t.phoneNumberId, [{ from: '14155550123', timestamp: '1767268800', type: 'text', text: { body: 'x' } }]);
    const res = await postWebhook(gw, body, t.appSecret);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.error_data.details).toContain('messages[0]');
    expect((await storedCounts(gw, t.phoneNumberId)).messages).toBe(0);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('text', t);
    const res = await post(body, { 'content-type': 'text/plain', 'x-hub-signature-256': signPayload(body, t.appSecret) });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe(100);
  });

  it('answers 413 for a body over the ingest limit', async () => {
    const small = await startGateway(dialect, { INGEST_BODY_LIMIT_BYTES: '2048' });
    try {
      const t = await newTenant(small);
      const body = messagesWebhook(t.phoneNumberId, [textMessage('wamid.BIG', 'x'.repeat(4096))]);
      const res = await postWebhook(small, body, t.appSecret);
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe(100);
      expect((await storedCounts(small, t.phoneNumberId)).messages).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe.each(dialects)('webhook verification handshake (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const verify = (query: string) => gw.app.inject({ method: 'GET', url: `/webhooks/whatsapp?${query}` });

  it('echoes the challenge as plain text for a registered verify token', async () => {
    const t = await newTenant(gw);
    const res = await verify(`hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${encodeURIComponent(t.verifyToken)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  it('answers 403 for a verify token no number was registered with', async () => {
    const res = await verify('hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe(10);
  });

  it('answers 400 when hub.mode is not subscribe', async () => {
    const t = await newTenant(gw);
    const res = await verify(`hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${t.verifyToken}`);
    expect(res.statusCode).toBe(400);
  });
});
