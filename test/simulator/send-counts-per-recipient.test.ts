import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, send, startSimulator, testClock, textBody } from './helpers.ts';

const OTHER = '14155550999';
const template = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });

describe('GET /_simulator/sends: what Meta accepted and refused, per recipient', () => {
  let sim: Simulator;
  afterEach(() => sim.close());
  const sends = async (query = '') => (await sim.app.inject({ method: 'GET', url: `/_simulator/sends${query}` })).json();

  it('counts the sends accepted for each recipient, and how many recipients got more than one', async () => {
    sim = await startSimulator({ clock: testClock() });
    await send(sim, template(`+${CUSTOMER}`));
    await send(sim, template(`+${CUSTOMER}`));
    await send(sim, template(`+${OTHER}`));
    expect(await sends()).toEqual({
      data: [
        { phone_number_id: NUMBER.phone_number_id, wa_id: CUSTOMER, accepted: 2, refused: {}, failed: {} },
        { phone_number_id: NUMBER.phone_number_id, wa_id: OTHER, accepted: 1, refused: {}, failed: {} },
      ],
      totals: { recipients: 2, accepted: 3, repeated: 1, refused: {}, failed: {} },
    });
  });

  it('counts refused sends per Meta code, with or without a readable recipient', async () => {
    sim = await startSimulator({ clock: testClock(), maxMessagesPerSecond: 1, pairRateLimit: { perMinute: 10, burst: 1 } });
    expect((await send(sim, template(`+${CUSTOMER}`))).statusCode).toBe(200);
    expect((await send(sim, template(`+${OTHER}`))).json().error.code).toBe(130429);
    expect((await send(sim, { messaging_product: 'whatsapp', to: 'not a number', type: 'text', text: { body: 'x' } })).json().error.code).toBe(100);
    expect((await send(sim, { ...template(`+${OTHER}`), template: { name: 'nope', language: { code: 'en_US' } } })).json().error.code).toBe(132001);
    expect(await sends()).toEqual({
      data: [
        { phone_number_id: NUMBER.phone_number_id, wa_id: CUSTOMER, accepted: 1, refused: {}, failed: {} },
        { phone_number_id: NUMBER.phone_number_id, wa_id: OTHER, accepted: 0, refused: { '130429': 1, '132001': 1 }, failed: {} },
      ],
      totals: { recipients: 2, accepted: 1, repeated: 0, refused: { '100': 1, '130429': 1, '132001': 1 }, failed: {} },
    });
  });

  it('counts the pair rate refusals of one recipient', async () => {
    sim = await startSimulator({ clock: testClock(), pairRateLimit: { perMinute: 10, burst: 2 } });
    for (let i = 0; i < 4; i++) await send(sim, template(`+${CUSTOMER}`));
    expect((await sends(`?to=${CUSTOMER}`)).data).toEqual([{ phone_number_id: NUMBER.phone_number_id, wa_id: CUSTOMER, accepted: 2, refused: { '131056': 2 }, failed: {} }]);
  });

  it('counts accepted sends that will fail, per code', async () => {
    sim = await startSimulator({ clock: testClock() });
    // Outside the 24-hour window a free-form send is accepted, then fails with 131047.
    await send(sim, textBody());
    expect((await sends()).totals).toEqual({ recipients: 1, accepted: 1, repeated: 0, refused: {}, failed: { '131047': 1 } });
  });

  it('filters by number and by recipient, written as a phone number or as digits', async () => {
    sim = await startSimulator({ clock: testClock() });
    await send(sim, template(`+${CUSTOMER}`));
    await send(sim, template(`+${OTHER}`));
    expect((await sends('?to=%2B1%20415%20555%200123')).data.map((r: { wa_id: string }) => r.wa_id)).toEqual([CUSTOMER]);
    expect((await sends(`?phone_number_id=${NUMBER.phone_number_id}&to=${OTHER}`)).totals.accepted).toBe(1);
    expect(await sends('?phone_number_id=000')).toEqual({ data: [], totals: { recipients: 0, accepted: 0, repeated: 0, refused: {}, failed: {} } });
  });

  it('does not count mark-as-read calls, and forgets everything on reset', async () => {
    sim = await startSimulator({ clock: testClock() });
    await send(sim, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.unknown' });
    await send(sim, template(`+${CUSTOMER}`));
    expect((await sends()).totals).toMatchObject({ accepted: 1, refused: {} });
    await sim.app.inject({ method: 'POST', url: '/_simulator/reset' });
    expect((await sends()).totals).toMatchObject({ recipients: 0, accepted: 0 });
  });
});
