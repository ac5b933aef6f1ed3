import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, send, startReceiver, startSimulator, textBody } from './helpers.ts';

describe('control API (/_simulator/*)', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ numbers: [] });
  });
  afterEach(() => sim.close());

  it('registers a number over HTTP, after which Graph calls with its token work', async () => {
    const res = await sim.app.inject({ method: 'POST', url: '/_simulator/numbers', payload: { ...NUMBER, display_phone_number: '+1 555 010 2030' } });
    expect(res.json()).toEqual({ phone_number_id: NUMBER.phone_number_id, display_phone_number: '15550102030', waba_id: NUMBER.waba_id, verified_name: 'Simulated Business' });
    expect((await sim.app.inject({ method: 'GET', url: '/_simulator/numbers' })).json().data).toHaveLength(1);
    const phone = await sim.app.inject({ method: 'GET', url: `/v24.0/${NUMBER.phone_number_id}`, headers: { authorization: `Bearer ${NUMBER.access_token}` } });
    expect(phone.json()).toEqual({ verified_name: 'Simulated Business', display_phone_number: '+15550102030', quality_rating: 'GREEN', code_verification_status: 'VERIFIED', id: NUMBER.phone_number_id });
  });

  it('answers an invalid registration with code 100', async () => {
    const res = await sim.app.inject({ method: 'POST', url: '/_simulator/numbers', payload: { phone_number_id: '1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException' });
  });

  it('lists inbound and outbound messages, filtered', async () => {
    sim.registerNumber(NUMBER);
    const inbound = sim.injectInbound({ phone_number_id: NUMBER.phone_number_id, from: CUSTOMER, message: { type: 'text', text: { body: 'hi' } } });
    const outbound = (await send(sim, textBody())).json().messages[0].id;
    const all = (await sim.app.inject({ method: 'GET', url: '/_simulator/messages' })).json().data;
    expect(all.map((m: { id: string; direction: string }) => [m.id, m.direction])).toEqual([
      [inbound.id, 'inbound'],
      [outbound, 'outbound'],
    ]);
    const inboundOnly = (await sim.app.inject({ method: 'GET', url: '/_simulator/messages?direction=inbound' })).json().data;
    expect(inboundOnly).toHaveLength(1);
    expect((await sim.app.inject({ method: 'GET', url: '/_simulator/messages?phone_number_id=other' })).json().data).toEqual([]);
  });

  it('resets everything but the numbers given at start', async () => {
    await sim.close();
    sim = await startSimulator();
    sim.registerNumber({ ...NUMBER, phone_number_id: '2', access_token: 'x' });
    sim.injectInbound({ phone_number_id: NUMBER.phone_number_id, from: CUSTOMER, message: { type: 'text', text: { body: 'hi' } } });
    expect((await sim.app.inject({ method: 'POST', url: '/_simulator/reset' })).json()).toEqual({ success: true });
    expect(sim.state.messages).toEqual([]);
    expect([...sim.state.numbers.keys()]).toEqual([NUMBER.phone_number_id]);
    expect(sim.state.templatesOf(NUMBER.waba_id).map((t) => t.name)).toEqual(['hello_world']);
  });

  it('sends a value.errors webhook for errors not tied to a message', async () => {
    const receiver = await startReceiver();
    sim.registerNumber({ ...NUMBER, webhook_url: receiver.url });
    await sim.app.inject({ method: 'POST', url: '/_simulator/errors', payload: { phone_number_id: NUMBER.phone_number_id, code: 130429 } });
    expect((await sim.app.inject({ method: 'POST', url: '/_simulator/flush' })).json()).toEqual({ success: true });
    expect(receiver.received[0]?.body.entry[0]?.changes[0]?.value).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: NUMBER.display_phone_number, phone_number_id: NUMBER.phone_number_id },
      errors: [{ code: 130429, title: 'Rate limit hit', message: 'Rate limit hit', error_data: { details: 'Too many messages sent from this phone number in a short time.' }, href: '/documentation/business-messaging/whatsapp/support/error-codes' }],
    });
    await receiver.close();
  });

  it('cancels pending webhooks on close', async () => {
    const receiver = await startReceiver();
    const slow = await buildSimulator({ numbers: [NUMBER], webhookUrl: receiver.url, statusDelaysMs: { sent: 5000, delivered: 5000, read: 5000 }, enforceWindow: false });
    await send(slow, textBody());
    const started = Date.now();
    await slow.close();
    await slow.flush();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(receiver.received).toHaveLength(0);
    await receiver.close();
  });
});
