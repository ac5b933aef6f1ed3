import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { NUMBER, startSimulator } from './helpers.ts';

const FIELDS = 'whatsapp_business_manager_messaging_limit,messaging_limit_tier';

/** `GET /{phone_number_id}?fields=…` answers the tier by both of Meta's names (meta-cloud-api.md §5.4). */
describe('a simulated number’s messaging limit', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ numbers: [] });
  });
  afterEach(() => sim.close());

  const read = (fields: string) =>
    sim.app.inject({ method: 'GET', url: `/v24.0/${NUMBER.phone_number_id}?fields=${encodeURIComponent(fields)}`, headers: { authorization: `Bearer ${NUMBER.access_token}` } });

  it('is unlimited unless configured, so nothing a gateway sends through it is held back', async () => {
    await sim.app.inject({ method: 'POST', url: '/_simulator/numbers', payload: NUMBER });
    expect((await read(FIELDS)).json()).toEqual({ whatsapp_business_manager_messaging_limit: 'TIER_UNLIMITED', messaging_limit_tier: 'TIER_UNLIMITED', id: NUMBER.phone_number_id });
  });

  it('is the tier the number was registered with, under either field alone', async () => {
    const registered = await sim.app.inject({ method: 'POST', url: '/_simulator/numbers', payload: { ...NUMBER, messaging_limit_tier: 'TIER_250' } });
    expect(registered.json()).toMatchObject({ messaging_limit_tier: 'TIER_250' });
    expect((await read('whatsapp_business_manager_messaging_limit')).json()).toEqual({ whatsapp_business_manager_messaging_limit: 'TIER_250', id: NUMBER.phone_number_id });
    expect((await read('messaging_limit_tier')).json()).toEqual({ messaging_limit_tier: 'TIER_250', id: NUMBER.phone_number_id });
  });

  it('refuses a registration whose tier is not shaped like Meta’s', async () => {
    const res = await sim.app.inject({ method: 'POST', url: '/_simulator/numbers', payload: { ...NUMBER, messaging_limit_tier: '250' } });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('messaging_limit_tier');
  });
});
