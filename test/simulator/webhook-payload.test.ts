import { describe, expect, it } from 'vitest';
import type { SimNumber } from '../../src/simulator/state.ts';
import { retryDelayMs } from '../../src/simulator/webhooks/backoff.ts';
import { toMetaJson } from '../../src/simulator/webhooks/meta-json.ts';
import { buildPayload, type WebhookItem } from '../../src/simulator/webhooks/payload.ts';

const number = (id: string, waba = '109876543210987'): SimNumber => ({ phoneNumberId: id, displayPhoneNumber: '15550102030', wabaId: waba, accessToken: 't', appSecret: 's', verifiedName: 'V' });
const a = number('111');
const b = number('222');
const metadata = (n: SimNumber) => ({ display_phone_number: n.displayPhoneNumber, phone_number_id: n.phoneNumberId });
const contact = (wa: string) => ({ profile: { name: wa }, wa_id: wa });

describe('buildPayload (meta-cloud-api.md §1.4, §6.6)', () => {
  it('groups per WABA entry and per number change, keeping messages and statuses apart and in order', () => {
    const items: WebhookItem[] = [
      { kind: 'message', number: a, contact: contact('1'), message: { id: 'm1' } },
      { kind: 'status', number: a, status: { id: 's1' } },
      { kind: 'message', number: a, contact: contact('1'), message: { id: 'm2' } },
      { kind: 'message', number: a, contact: contact('2'), message: { id: 'm3' } },
      { kind: 'status', number: b, status: { id: 's2' } },
      { kind: 'message', number: a, message: { id: 'sys' } },
      { kind: 'errors', number: b, errors: [{ code: 130429, title: 'Rate limit hit', message: 'Rate limit hit', error_data: { details: 'd' }, href: 'h' }] },
      { kind: 'template', wabaId: '109876543210987', timeSec: 1750000000, value: { event: 'APPROVED' } },
    ];
    const value = (n: SimNumber, extra: Record<string, unknown>) => ({ field: 'messages', value: { messaging_product: 'whatsapp', metadata: metadata(n), ...extra } });
    expect(buildPayload(items)).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '109876543210987',
          changes: [
            value(a, { contacts: [contact('1'), contact('2')], messages: [{ id: 'm1' }, { id: 'm2' }, { id: 'm3' }, { id: 'sys' }] }),
            value(a, { statuses: [{ id: 's1' }] }),
            value(b, { statuses: [{ id: 's2' }] }),
            value(b, { errors: [expect.objectContaining({ code: 130429 })] }),
          ],
        },
        { id: '109876543210987', time: 1750000000, changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] },
      ],
    });
  });

  it('makes one entry per WABA', () => {
    const other = number('333', '999');
    const payload = buildPayload([
      { kind: 'status', number: a, status: { id: 's1' } },
      { kind: 'status', number: other, status: { id: 's2' } },
    ]);
    expect(payload.entry.map((e) => e.id)).toEqual(['109876543210987', '999']);
  });
});

describe('toMetaJson (§1.2, §7.13)', () => {
  it.each([
    [{ t: 'caf\u00e9' }, '{"t":"caf\\u00e9"}'],
    [{ t: '\u{1F44D}' }, '{"t":"\\ud83d\\udc4d"}'],
    [{ t: 'plain "quoted"\n' }, '{"t":"plain \\"quoted\\"\\n"}'],
  ])('serialises %j as %s', (value, json) => {
    expect(toMetaJson(value)).toBe(json);
    expect(JSON.parse(toMetaJson(value))).toEqual(value);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [5, 1000],
  ])('waits before retry %i: %i ms (base 100, cap 1000)', (attempt, delay) => {
    expect(retryDelayMs(attempt, 100, 1000)).toBe(delay);
  });
});
