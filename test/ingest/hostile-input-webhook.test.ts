import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/ingest/signature.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectNoServerErrorAndEnvelope, fuzzOptions, hostileString, hostileValue, storedFingerprint } from '../helpers/hostile.ts';

/** Mostly what Meta sends, sometimes anything: enough payloads pass validation to reach the database. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });

/** A Meta-shaped payload with hostile values where Meta puts strings, numbers and objects. */
const hostileWebhook = (phoneNumberId: string) =>
  fc
    .record({
      id: mostly(fc.uuid().map((u) => `wamid.${u}`)),
      from: mostly(fc.constant('14155550123')),
      timestamp: mostly(fc.constant('1767268800')),
      type: mostly(fc.constantFrom('text', 'text', 'image', 'reaction', 'interactive', 'location', 'unsupported', 'system')),
      text: mostly(fc.record({ body: hostileString })),
      name: mostly(hostileString),
      extra: fc.dictionary(fc.constantFrom('image', 'reaction', 'context', 'interactive', 'location', 'errors', 'referral'), hostileValue, { maxKeys: 2 }),
      statuses: fc.option(fc.array(fc.record({ id: hostileValue, status: fc.oneof(fc.constantFrom('sent', 'delivered', 'read', 'failed'), hostileValue), timestamp: hostileValue }), { maxLength: 2 }), { nil: undefined }),
      field: mostly(fc.constant('messages')),
    })
    .map((w) => ({
      body: JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '109876543210987',
            changes: [
              {
                field: w.field,
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550102030', phone_number_id: phoneNumberId },
                  contacts: [{ profile: { name: w.name }, wa_id: '14155550123' }],
                  messages: [{ from: w.from, id: w.id, timestamp: w.timestamp, type: w.type, text: w.text, ...w.extra }],
                  ...(w.statuses ? { statuses: w.statuses } : {}),
                },
              },
            ],
          },
        ],
      }),
      id: w.id,
      text: w.text,
    }));

/**
 * The webhook route under hostile input: unsigned bodies of any shape and signed Meta-shaped
 * payloads with hostile values. Never a 5xx, refusals in the envelope storing nothing, and what is
 * accepted is served back as it came.
 */
describe.each(dialects)('hostile input to the webhook route (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
    t = await newTenant(gw);
  });
  afterAll(() => gw.close());

  it('refuses unsigned or wrongly signed bodies of any shape in the envelope, storing nothing', async () => {
    const body = fc.oneof(
      hostileString,
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constant(null).chain(() => hostileWebhook(t.phoneNumberId).map((w) => w.body)),
    );
    const signature = fc.option(fc.oneof(hostileString, fc.constant(`sha256=${'0'.repeat(64)}`), fc.constant('sha256=')), { nil: undefined });
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');
    await fc.assert(
      fc.asyncProperty(body, signature, contentType, async (payload, sig, type) => {
        const before = await storedFingerprint(gw);
        const headers: Record<string, string> = { 'content-type': type };
        if (sig !== undefined) headers['x-hub-signature-256'] = sig.replace(/[^\x20-\x7e]/g, '');
        const res = await gw.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers, payload });
        expectNoServerErrorAndEnvelope(res, `unsigned ${payload.slice(0, 200)}`);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(await storedFingerprint(gw)).toBe(before);
      }),
      fuzzOptions(100),
    );
  }, 120_000);

  it('stores signed payloads with hostile values faithfully, or refuses them in the envelope storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileWebhook(t.phoneNumberId), async (w) => {
        const before = await storedFingerprint(gw);
        const res = await gw.app.inject({
          method: 'POST',
          url: '/webhooks/whatsapp',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(w.body, t.appSecret) },
          payload: w.body,
        });
        expectNoServerErrorAndEnvelope(res, `signed ${w.body.slice(0, 300)}`);
        if (res.statusCode >= 400) {
          expect(await storedFingerprint(gw)).toBe(before);
          return;
        }
        const parsed = JSON.parse(w.body) as { entry: Array<{ changes: Array<{ field: string; value: { messages: Array<Record<string, unknown>> } }> }> };
        const change = parsed.entry[0]!.changes[0]!;
        if (change.field !== 'messages' || typeof w.id !== 'string') return;
        const got = await getMessage(gw, t.apiKey, t.phoneNumberId, w.id);
        expectNoServerErrorAndEnvelope(got, `GET ${w.id}`);
        if (got.statusCode === 200 && typeof (w.text as { body?: unknown })?.body === 'string' && change.value.messages[0]!.type === 'text') {
          expect((got.json() as { text?: { body?: string } }).text?.body).toBe((w.text as { body: string }).body);
        }
      }),
      fuzzOptions(100),
    );
  }, 120_000);
});
