import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage } from '../helpers/factories.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';

describe.each(dialects)('status webhooks duplicated and shuffled by Meta (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, { seed: 7, faults: { duplicateRate: 1, shuffle: true } });
  });
  afterAll(() => env.close());

  it('ends every message at read with each status recorded once', async () => {
    const t = await env.newTenant();
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'hi' } } });
    await env.sim.flush();
    const wamids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await env.gw.app.inject({
        method: 'POST',
        url: `/v24.0/${t.phoneNumberId}/messages`,
        headers: { 'x-api-key': t.apiKey },
        payload: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: `update ${i}` } },
      });
      expect(res.statusCode).toBe(200);
      wamids.push(res.json().messages[0].id);
    }
    await env.sim.flush();
    const deliveries = env.sim.state.deliveries.filter((d) => d.phoneNumberIds.includes(t.phoneNumberId));
    expect(deliveries.length).toBeGreaterThan(wamids.length * 3); // duplicates were really sent

    for (const wamid of wamids) {
      const kapso = (await getMessage(env.gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(status,statuses)')).json().kapso;
      expect(kapso.status).toBe('read');
      expect(kapso.statuses.map((s: { status: string }) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
    }
  });
});
