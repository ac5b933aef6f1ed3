import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, fbtrace, NUMBER, send, startSimulator } from './helpers.ts';

const template = { messaging_product: 'whatsapp', to: CUSTOMER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };

describe('Graph auth and unknown objects (meta-cloud-api.md §7.2)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
    sim.registerNumber({ phone_number_id: '998877665544332', display_phone_number: '15550109999', waba_id: '555555555555555', access_token: 'other-token', app_secret: 's2' });
  });
  afterAll(() => sim.close());

  it('answers a missing token with 401 and code 190', async () => {
    const res = await send(sim, template, { token: null });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: {
        message: 'An active access token must be used to query information about the current user.',
        type: 'OAuthException',
        code: 190,
        error_data: { messaging_product: 'whatsapp', details: 'Send the access token as Authorization: Bearer <token>.' },
        fbtrace_id: fbtrace,
      },
    });
  });

  it('answers an unknown token with 401 and code 190', async () => {
    const res = await send(sim, template, { token: 'EAAG-wrong' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190, type: 'OAuthException', message: 'Invalid OAuth access token - Cannot parse access token' });
  });

  it('accepts the token as ?access_token=', async () => {
    const res = await sim.app.inject({ method: 'POST', url: `/v24.0/${NUMBER.phone_number_id}/messages?access_token=${NUMBER.access_token}`, payload: template });
    expect(res.statusCode).toBe(200);
  });

  it('answers an unknown phone number id with code 100 and subcode 33', async () => {
    const res = await send(sim, template, { numberId: '100000000000001' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        message:
          "Unsupported post request. Object with ID '100000000000001' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        error_data: { messaging_product: 'whatsapp', details: "Object with ID '100000000000001' does not exist." },
        fbtrace_id: fbtrace,
      },
    });
  });

  it("answers another number's token with 403 and code 10", async () => {
    const res = await send(sim, template, { token: 'other-token' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 10, type: 'OAuthException', message: '(#10) Application does not have permission for this action' });
  });

  it('accepts any vN.N version and rejects other path prefixes', async () => {
    expect((await send(sim, template, { version: 'v19.0' })).statusCode).toBe(200);
    const res = await send(sim, template, { version: 'latest' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 100, type: 'GraphMethodException' });
  });
});
