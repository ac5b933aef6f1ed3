import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, openWindow, send, startReceiver, startSimulator, statusesOf, textBody } from './helpers.ts';

const OTHER_NUMBER = { ...NUMBER, phone_number_id: '998877665544332', display_phone_number: '15550109999', access_token: 'EAAG-other-token' };
const href = '/documentation/business-messaging/whatsapp/support/error-codes';

const optedOutError = {
  code: 131050,
  title: 'User has stopped receipt of marketing messages',
  message: 'User has stopped receipt of marketing messages',
  error_data: { details: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.' },
  href,
};
const undeliverableError = {
  code: 131026,
  title: 'Message Undeliverable',
  message: 'Message Undeliverable',
  error_data: { details: 'Unable to deliver message. The recipient may not be a WhatsApp user or has not accepted the latest terms.' },
  href,
};

describe('customers who refuse marketing (131050) or are not on WhatsApp (131026)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const start = async (options: SimulatorOptions = {}) => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url, numbers: [NUMBER, OTHER_NUMBER], ...options });
    // Both numbers share the WABA, and so its templates.
    const res = await sim.app.inject({
      method: 'POST',
      url: `/v24.0/${NUMBER.waba_id}/message_templates`,
      headers: { authorization: `Bearer ${NUMBER.access_token}` },
      payload: { name: 'spring_sale', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Spring sale: 20% off.' }] },
    });
    expect(res.statusCode).toBe(200);
    await sim.flush();
    receiver.received.length = 0;
  };
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const template = (name: string, to = CUSTOMER) => ({ messaging_product: 'whatsapp', to, type: 'template', template: { name, language: { code: 'en_US' } }, biz_opaque_callback_data: `b:${name}` });
  const script = (waId: string, body: Record<string, unknown>) => sim.app.inject({ method: 'POST', url: `/_simulator/recipients/${waId}`, payload: body });
  const statusesFor = (wamid: string) => statusesOf(receiver.received).filter((s) => s.id === wamid);

  it('accepts a marketing template to an opted-out customer, then fails it with 131050 in a failed status', async () => {
    await start();
    expect((await script(CUSTOMER, { marketing_opt_out: true })).json()).toMatchObject({ marketing_opt_out: true, scripted: true });
    const res = await send(sim, template('spring_sale'));
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0].message_status).toBe('accepted');
    await sim.flush();
    expect(statusesFor(res.json().messages[0].id)).toEqual([
      { id: res.json().messages[0].id, status: 'failed', timestamp: expect.stringMatching(/^\d+$/), recipient_id: CUSTOMER, biz_opaque_callback_data: 'b:spring_sale', errors: [optedOutError] },
    ]);
  });

  it('still delivers utility templates and free-form messages to a customer who refused marketing', async () => {
    await start();
    await script(CUSTOMER, { marketing_opt_out: true });
    openWindow(sim);
    const utility = (await send(sim, template('hello_world'))).json().messages[0].id;
    const text = (await send(sim, textBody())).json().messages[0].id;
    await sim.flush();
    expect(statusesFor(utility).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statusesFor(text).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('refuses marketing only from the numbers a customer opted out of', async () => {
    await start();
    await script(CUSTOMER, { marketing_opt_out: [OTHER_NUMBER.phone_number_id] });
    const fromOptedOut = (await send(sim, template('spring_sale'), { numberId: OTHER_NUMBER.phone_number_id, token: OTHER_NUMBER.access_token })).json().messages[0].id;
    const fromOther = (await send(sim, template('spring_sale'))).json().messages[0].id;
    await sim.flush();
    expect(statusesFor(fromOptedOut).map((s) => (s.errors as { code: number }[] | undefined)?.[0]?.code ?? s.status)).toEqual([131050]);
    expect(statusesFor(fromOther).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('fails every send to a customer who is not on WhatsApp with 131026', async () => {
    await start();
    await script(CUSTOMER, { on_whatsapp: false });
    const res = await send(sim, template('hello_world'));
    expect(res.statusCode).toBe(200);
    await sim.flush();
    expect(statusesFor(res.json().messages[0].id)).toEqual([expect.objectContaining({ status: 'failed', biz_opaque_callback_data: 'b:hello_world', errors: [undeliverableError] })]);
  });

  it('takes scripted customers from the options, and keeps them across a reset', async () => {
    await start({ recipients: { '+1 415 555 0123': { marketing_opt_out: true }, '14155550999': { on_whatsapp: false } } });
    sim.reset();
    const read = async (waId: string) => (await sim.app.inject({ method: 'GET', url: `/_simulator/recipients/${waId}` })).json();
    expect(await read(CUSTOMER)).toMatchObject({ marketing_opt_out: true, on_whatsapp: true, scripted: true });
    expect(await read('14155550999')).toMatchObject({ on_whatsapp: false, scripted: true });
    expect(await read('14155550000')).toMatchObject({ on_whatsapp: true, marketing_opt_out: false, scripted: false });
  });
});

describe('shares of generated customers (seeded)', () => {
  const sims: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });
  const customers = Array.from({ length: 1000 }, (_, i) => `4420${String(7_000_000 + i)}`);
  const traits = async (options: SimulatorOptions, order = customers) => {
    const sim = await startSimulator(options);
    sims.push(sim);
    const seen = new Map<string, { on_whatsapp: boolean; marketing_opt_out: boolean; answers: boolean }>();
    for (const waId of order) seen.set(waId, (await sim.app.inject({ method: 'GET', url: `/_simulator/recipients/${waId}` })).json());
    return { sim, unknown: customers.filter((c) => !seen.get(c)?.on_whatsapp), optedOut: customers.filter((c) => seen.get(c)?.marketing_opt_out), answering: customers.filter((c) => seen.get(c)?.answers) };
  };

  it('draws about the configured share of each trait, the same customers for the same seed in any order', async () => {
    const options = { seed: 11, notOnWhatsAppShare: 0.1, marketingOptOutShare: 0.3, answerShare: 0.5 };
    const a = await traits(options);
    expect(a.unknown.length).toBeGreaterThan(60);
    expect(a.unknown.length).toBeLessThan(140);
    expect(a.optedOut.length).toBeGreaterThan(240);
    expect(a.optedOut.length).toBeLessThan(360);
    expect(a.answering.length).toBeGreaterThan(430);
    expect(a.answering.length).toBeLessThan(570);
    const b = await traits(options, [...customers].reverse());
    expect(b.unknown).toEqual(a.unknown);
    expect(b.optedOut).toEqual(a.optedOut);
    const c = await traits({ ...options, seed: 12 });
    expect(c.optedOut).not.toEqual(a.optedOut);
  });

  it('draws nobody when the shares are 0 (the default)', async () => {
    const a = await traits({ seed: 11 });
    expect([a.unknown.length, a.optedOut.length, a.answering.length]).toEqual([0, 0, 0]);
  });

  it('fails the sends to the drawn customers as it reports them', async () => {
    const { sim, unknown } = await traits({ seed: 3, notOnWhatsAppShare: 0.2 });
    for (const waId of customers.slice(0, 50)) {
      await send(sim, { messaging_product: 'whatsapp', to: `+${waId}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    }
    const tally = (await sim.app.inject({ method: 'GET', url: '/_simulator/sends' })).json();
    const failed = tally.data.filter((r: { failed: Record<string, number> }) => r.failed['131026'] === 1).map((r: { wa_id: string }) => r.wa_id);
    expect(failed).toEqual(unknown.filter((c) => customers.slice(0, 50).includes(c)));
    expect(failed.length).toBeGreaterThan(0);
  });

  it('refuses shares outside [0, 1]', async () => {
    await expect(startSimulator({ marketingOptOutShare: 1.5 })).rejects.toThrow('marketingOptOutShare must be between 0 and 1');
  });
});
