import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember } from '../helpers/inbox-session.ts';

/*
 * The client's address (the inbox's failed sign-ins are limited per address) is the peer's,
 * unless TRUST_PROXY names the peer as a proxy: then it is X-Forwarded-For's. Believing the header
 * from anyone would let each attempt claim a fresh address and escape the limit.
 */
const PER_ADDRESS = 30;
const PER_EMAIL = 5;

async function failEverywhere(gw: TestGateway, proxy: string, forwardedFor: (i: number) => string): Promise<void> {
  const { projectId } = await newProject(gw);
  let attempt = 0;
  for (let m = 0; m < PER_ADDRESS / PER_EMAIL; m++) {
    const member = await addMember(gw, projectId);
    for (let i = 0; i < PER_EMAIL; i++) {
      const res = await signInFrom(gw, proxy, forwardedFor(attempt++), member.email, 'wrong-password');
      expect(res.statusCode).toBe(401);
    }
  }
}

function signInFrom(gw: TestGateway, remoteAddress: string, forwardedFor: string, email: string, password: string) {
  return gw.app.inject({ method: 'POST', url: '/inbox/api/session', payload: { email, password }, remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });
}

describe.each(dialects)('the client address behind a proxy (%s)', (dialect) => {
  describe('without TRUST_PROXY', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway(dialect);
    });
    afterAll(() => gw.close());

    it('ignores X-Forwarded-For: a client naming a new address each time is still limited by its own', async () => {
      await failEverywhere(gw, '198.51.100.7', (i) => `203.0.113.${i + 1}`);
      const { projectId } = await newProject(gw);
      const member = await addMember(gw, projectId);
      const res = await signInFrom(gw, '198.51.100.7', '203.0.113.200', member.email, member.password);
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  describe('with TRUST_PROXY=1', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway(dialect, { TRUST_PROXY: '1' });
    });
    afterAll(() => gw.close());

    it("limits the forwarded client, not the proxy every client comes through", async () => {
      await failEverywhere(gw, '198.51.100.8', () => '203.0.113.50');
      const { projectId } = await newProject(gw);
      const member = await addMember(gw, projectId);
      expect((await signInFrom(gw, '198.51.100.8', '203.0.113.50', member.email, member.password)).statusCode).toBe(429);
      expect((await signInFrom(gw, '198.51.100.8', '203.0.113.51', member.email, member.password)).statusCode).toBe(200);
    });
  });
});

describe('TRUST_PROXY', () => {
  it('takes true, false, a hop count or proxy addresses, and refuses anything else by name', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    const hops = loadConfig({ TRUST_PROXY: '2' }).http.trustProxy as (address: string, hop: number) => boolean;
    expect([hops('10.0.0.1', 0), hops('10.0.0.1', 1), hops('10.0.0.1', 2)]).toEqual([true, true, false]);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
  });
});
