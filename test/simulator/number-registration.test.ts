import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { NUMBER, startSimulator } from './helpers.ts';

function post(sim: Simulator, action: string, body?: object, token = NUMBER.access_token) {
  return sim.app.inject({ method: 'POST', url: `/v24.0/${NUMBER.phone_number_id}/${action}`, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
}

describe('POST /{version}/{phone_number_id}/request_code|verify_code|register|deregister', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(() => sim.close());

  it('requests and verifies a code, registers with a PIN and deregisters, each with success', async () => {
    for (const [action, body] of [
      ['request_code', { code_method: 'SMS', language: 'en_US' }],
      ['verify_code', { code: '123456' }],
      ['register', { messaging_product: 'whatsapp', pin: '246810' }],
      ['deregister', undefined],
    ] as const) {
      const res = await post(sim, action, body);
      expect({ action, status: res.statusCode, body: res.json() }).toEqual({ action, status: 200, body: { success: true } });
    }
  });

  it.each([
    ['request_code', { code_method: 'EMAIL', language: 'en_US' }],
    ['verify_code', { code: '12ab' }],
    ['register', { messaging_product: 'whatsapp', pin: '12' }],
    ['register', { pin: '246810' }],
  ])('answers code 100 for a malformed %s body %j', async (action, body) => {
    const res = await post(sim, action, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException' });
  });

  it('answers 133005 when a later register names another PIN', async () => {
    expect((await post(sim, 'register', { messaging_product: 'whatsapp', pin: '246810' })).statusCode).toBe(200);
    const res = await post(sim, 'register', { messaging_product: 'whatsapp', pin: '111111' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 133005, message: '(#133005) Two step verification PIN Mismatch' });
  });

  it('refuses a token that does not own the number', async () => {
    const res = await post(sim, 'deregister', undefined, 'not-a-token');
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190 });
  });
});
