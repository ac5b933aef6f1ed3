import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBusinessScopedUserId } from '@kapso/whatsapp-cloud-api';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, send, startReceiver, startSimulator, testClock, textBody } from './helpers.ts';

const BSUID = 'US.13491208655302741918';

/** Customers who adopted a username: BSUIDs in, sends by `recipient` out (meta-cloud-api.md §1.5). */
describe('simulated customers with usernames and BSUIDs', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  async function start(options: SimulatorOptions = {}) {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url, clock: testClock(), windowFailure: 'response', ...options });
  }
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const values = () => receiver.received.flatMap((w) => w.body.entry.flatMap((e) => e.changes.map((c) => c.value)));
  const inject = (extra: Record<string, unknown>, from = CUSTOMER) =>
    sim.injectInbound({ phone_number_id: NUMBER.phone_number_id, from, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'hi' } }, ...extra });

  describe('with a customer given a BSUID', () => {
    beforeEach(() => start());

    it('names a customer hiding their phone by BSUID alone: empty wa_id and from, user_id and username', async () => {
      const { id } = inject({ user_id: BSUID, username: 'maya', hide_phone: true });
      await sim.flush();
      const [value] = values();
      expect(value?.contacts).toEqual([{ profile: { name: 'Maya Chen', username: 'maya', country_code: 'US' }, wa_id: '', user_id: BSUID }]);
      expect(value?.messages).toEqual([expect.objectContaining({ from: '', from_user_id: BSUID, id })]);
    });

    it('accepts a send by recipient alone, answers contacts[].user_id, and its statuses carry recipient_user_id', async () => {
      inject({ user_id: BSUID, hide_phone: true });
      const { to: _to, ...body } = textBody();
      const res = await send(sim, { ...body, recipient: BSUID });
      expect(res.statusCode).toBe(200);
      expect(res.json().contacts).toEqual([{ input: BSUID, wa_id: '', user_id: BSUID }]);
      await sim.flush();
      const statuses = values().flatMap((v) => (v.statuses as Array<Record<string, unknown>> | undefined) ?? []);
      expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
      expect(statuses.every((s) => s.recipient_user_id === BSUID && s.recipient_id === '')).toBe(true);
    });

    it('keeps the window of a customer reached by phone or by BSUID as one', async () => {
      inject({ user_id: BSUID });
      expect((await send(sim, textBody())).json().contacts).toEqual([{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }]);
      expect((await send(sim, { ...textBody(), recipient: BSUID })).json().contacts).toEqual([{ input: BSUID, wa_id: CUSTOMER, user_id: BSUID }]);
    });

    it('refuses a send with neither to nor recipient, a malformed BSUID, and to and recipient naming two people', async () => {
      inject({ user_id: BSUID });
      const { to: _to, ...body } = textBody();
      expect((await send(sim, body)).json().error.code).toBe(100);
      expect((await send(sim, { ...body, recipient: 'user.not-a-bsuid' })).json().error.code).toBe(100);
      inject({}, '14155559999');
      expect((await send(sim, { ...textBody('x', '+14155559999'), recipient: BSUID })).json().error.code).toBe(100);
    });
  });

  it('gives the configured share of customers a BSUID and a username, stable per customer and seed', async () => {
    await start({ bsuidShare: 0.5, hiddenPhoneShare: 1 });
    const phones = Array.from({ length: 40 }, (_, i) => `1415555${String(1000 + i)}`);
    for (const from of phones) inject({}, from);
    await sim.flush();
    const contacts = values().flatMap((v) => v.contacts as Array<{ wa_id: string; user_id?: string; profile: { username?: string } }>);
    const withBsuid = contacts.filter((c) => c.user_id !== undefined);
    expect(withBsuid.length).toBeGreaterThan(8);
    expect(withBsuid.length).toBeLessThan(32);
    expect(withBsuid.every((c) => isBusinessScopedUserId(c.user_id as string) && c.wa_id === '' && c.profile.username)).toBe(true);
    expect(contacts.filter((c) => c.user_id === undefined).every((c) => c.wa_id !== '')).toBe(true);
    // The same customer keeps their BSUID on their next message.
    const first = withBsuid[0];
    const again = phones.find((p) => p.endsWith((first?.profile.username as string).slice(-4)));
    inject({}, again);
    await sim.flush();
    expect((values().at(-1)?.contacts as Array<{ user_id?: string }>)[0]?.user_id).toBe(first?.user_id);
  });
});
