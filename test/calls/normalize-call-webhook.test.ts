import { describe, expect, it } from 'vitest';
import { statusesBefore } from '../../src/calls/call-status.ts';
import { normalizeCallWebhook } from '../../src/calls/normalize-call-webhook.ts';
import { callsWebhook, inboundConnect, terminateItem } from '../helpers/call-webhooks.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const PN = '112233445566778';
const T = 1767268800;

describe('normalizeCallWebhook', () => {
  it('reads a customer call as an inbound call ringing, from its caller', () => {
    const [event] = normalizeCallWebhook(JSON.parse(callsWebhook(PN, { calls: [inboundConnect('wacid.A', T, '+14155550123')] })));
    expect(event).toEqual({
      phoneNumberId: PN, callId: 'wacid.A', direction: 'inbound', status: 'ringing', userWaId: '14155550123', atMs: T * 1000,
      startedAtMs: null, sessionStartedAtMs: null, endedAtMs: null, durationSeconds: null, bizOpaqueCallbackData: null,
    });
  });

  it('reads a business-initiated connect as an outbound call to its callee', () => {
    const item = { id: 'wacid.B', from: '15550102030', to: '14155550999', event: 'connect', timestamp: String(T), direction: 'BUSINESS_INITIATED', biz_opaque_callback_data: 'ref-1' };
    const [event] = normalizeCallWebhook(JSON.parse(callsWebhook(PN, { calls: [item] })));
    expect(event).toMatchObject({ direction: 'outbound', status: 'ringing', userWaId: '14155550999', bizOpaqueCallbackData: 'ref-1' });
  });

  it('tells the direction of a call that states none by who placed it', () => {
    const fromBusiness = { id: 'wacid.F', from: '+1 555-010-2030', to: '14155550999', event: 'terminate', timestamp: String(T), status: 'COMPLETED' };
    const [outbound] = normalizeCallWebhook(JSON.parse(callsWebhook(PN, { calls: [fromBusiness] }, '15550102030')));
    expect(outbound).toMatchObject({ direction: 'outbound', userWaId: '14155550999' });
    const [inbound] = normalizeCallWebhook(JSON.parse(callsWebhook(PN, { calls: [{ ...fromBusiness, from: '14155550999', to: '15550102030' }] }, '15550102030')));
    expect(inbound).toMatchObject({ direction: 'inbound', userWaId: '14155550999' });
  });

  it.each([
    ['COMPLETED', 'completed', (T + 5) * 1000],
    ['FAILED', 'failed', null],
    ['Failed', 'failed', null],
  ] as const)('reads a %s terminate as %s with its times and duration', (metaStatus, status, sessionStart) => {
    const item = terminateItem('wacid.C', { timestamp: T + 65, status: metaStatus, start: T + 5, end: T + 65, duration: 60 });
    const [event] = normalizeCallWebhook(JSON.parse(callsWebhook(PN, { calls: [item] })));
    expect(event).toMatchObject({ status, startedAtMs: (T + 5) * 1000, sessionStartedAtMs: sessionStart, endedAtMs: (T + 65) * 1000, durationSeconds: 60 });
  });

  it.each([
    ['RINGING', 'ringing'],
    ['ACCEPTED', 'answered'],
    ['REJECTED', 'failed'],
  ] as const)('reads a %s call status as an outbound call %s', (metaStatus, status) => {
    const [event] = normalizeCallWebhook(JSON.parse(callsWebhook(PN, { statuses: [{ id: 'wacid.D', timestamp: String(T), type: 'call', status: metaStatus, recipient_id: '14155550999' }] })));
    expect(event).toMatchObject({ callId: 'wacid.D', direction: 'outbound', status, userWaId: '14155550999' });
  });

  it('skips call events and statuses it does not know, and every other field', () => {
    const body = JSON.parse(callsWebhook(PN, { calls: [{ ...inboundConnect('wacid.E', T), event: 'renegotiate' }], statuses: [{ id: 'wacid.E', timestamp: String(T), status: 'MYSTERY' }] }));
    expect(normalizeCallWebhook(body)).toEqual([]);
    expect(normalizeCallWebhook(JSON.parse(messagesWebhook(PN, [textMessage('wamid.X', 'hi')])))).toEqual([]);
  });

  it('refuses a calls change without a call id, naming the field', () => {
    const body = JSON.parse(callsWebhook(PN, { calls: [{ event: 'connect', timestamp: String(T) }] }));
    expect(() => normalizeCallWebhook(body)).toThrow(expect.objectContaining({ statusCode: 400, details: expect.stringContaining('entry[0].changes[0].value.calls.0.id') }));
  });
});

describe('statusesBefore', () => {
  it.each([
    ['initiated', []],
    ['ringing', ['initiated']],
    ['answered', ['initiated', 'ringing']],
    ['completed', ['initiated', 'ringing', 'answered']],
    ['failed', ['initiated', 'ringing', 'answered']],
  ] as const)('lets %s replace only %j', (status, behind) => {
    expect(statusesBefore(status)).toEqual(behind);
  });
});
