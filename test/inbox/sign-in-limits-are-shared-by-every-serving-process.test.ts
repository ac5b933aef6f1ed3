import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_LIMITS } from '../../src/inbox/sign-in-limiter.ts';
import { purgeStaleSignInAttempts } from '../../src/inbox/sign-in-attempts-purge.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember, type TestMember } from '../helpers/inbox-session.ts';

/**
 * Several `serve` processes on one PostgreSQL database (docs/operations.md): the sign-in limits
 * count in the database, so an attacker gets no more guesses by spreading them over processes,
 * and a restart forgets none. Here two gateways (two apps, two pools) on one database stand for
 * two processes; on SQLite, two apps on one file. A database of their own: the purge here would
 * delete other test files' attempts.
 */
describe.each(dialects)('sign-in limits are shared by every serving process (%s)', (dialect) => {
  let gateways: [TestGateway, TestGateway];
  let projectId = '';
  let env: Record<string, string> = {};
  beforeAll(async () => {
    env = { DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'sign-in-limits') };
    gateways = [await startGateway(dialect, env), await startGateway(dialect, env)];
    ({ projectId } = await newProject(gateways[0]));
  });
  afterAll(() => Promise.all(gateways.map((gw) => gw.close())));

  let address = 0;
  const from = () => `10.41.0.${++address}`;
  const gateway = (i: number) => gateways[i % 2] as TestGateway;
  const signIn = (i: number, member: TestMember, password: string, remoteAddress = from()) =>
    gateway(i).app.inject({ method: 'POST', url: '/inbox/api/session', payload: { email: member.email, password }, remoteAddress });
  const advance = (ms: number) => gateways.forEach((gw) => gw.clock.advance(ms));

  it('refuses the 6th failure on either process once 5 are spread across both, with Retry-After', async () => {
    const member = await addMember(gateways[0], projectId);
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) expect((await signIn(i, member, 'wrong-password')).statusCode).toBe(401);
    for (const i of [0, 1]) {
      const refused = await signIn(i, member, member.password);
      expect([refused.statusCode, refused.headers['retry-after'], refused.json().error.code]).toEqual([429, String(SIGN_IN_LIMITS.windowMs / 1000), 4]);
    }
  });

  it('forgets no failure when a process restarts', async () => {
    const member = await addMember(gateways[0], projectId);
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) expect((await signIn(0, member, 'wrong-password')).statusCode).toBe(401);
    const restarted = await startGateway(dialect, env);
    try {
      restarted.clock.set(gateways[0].clock.now());
      const res = await restarted.app.inject({ method: 'POST', url: '/inbox/api/session', payload: { email: member.email, password: member.password }, remoteAddress: from() });
      expect(res.statusCode).toBe(429);
    } finally {
      await restarted.close();
    }
  });

  it("clears the email's failures on every process when it signs in on one", async () => {
    const member = await addMember(gateways[0], projectId);
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail - 1; i++) expect((await signIn(i, member, 'wrong-password')).statusCode).toBe(401);
    expect((await signIn(1, member, member.password)).statusCode).toBe(200);
    const statuses = [];
    for (let i = 0; i <= SIGN_IN_LIMITS.perEmail; i++) statuses.push((await signIn(i, member, 'wrong-password')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('lets no more than 5 of 12 guesses fired at once across both processes reach the password check', async () => {
    const member = await addMember(gateways[0], projectId);
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(i, member, `guess-${i}`)));
    const statuses = guesses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(7).fill(429)]);
  });

  it("counts one address's failures across both processes, for whichever emails", async () => {
    const office = from();
    const members = await Promise.all(Array.from({ length: SIGN_IN_LIMITS.perAddress + 1 }, () => addMember(gateways[0], projectId)));
    const guesses = await Promise.all(members.map((m, i) => signIn(i, m, 'wrong-password', office)));
    const statuses = guesses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([...Array<number>(SIGN_IN_LIMITS.perAddress).fill(401), 429]);
  });

  it('allows the email again once its oldest counted failure leaves the 15-minute window', async () => {
    const member = await addMember(gateways[0], projectId);
    expect((await signIn(0, member, 'wrong-password')).statusCode).toBe(401);
    advance(60_000);
    for (let i = 1; i < SIGN_IN_LIMITS.perEmail; i++) expect((await signIn(i, member, 'wrong-password')).statusCode).toBe(401);
    advance(SIGN_IN_LIMITS.windowMs - 60_000 - 1);
    const refused = await signIn(1, member, member.password);
    expect([refused.statusCode, refused.headers['retry-after']]).toEqual([429, '1']);
    advance(1);
    // One failure left the window: one more guess, then refused until the next leaves.
    expect((await signIn(0, member, 'wrong-password')).statusCode).toBe(401);
    const again = await signIn(1, member, member.password);
    expect([again.statusCode, again.headers['retry-after']]).toEqual([429, '60']);
    advance(60_000);
    expect((await signIn(0, member, member.password)).statusCode).toBe(200);
  });

  it('keeps no attempt past two windows, and the limits hold through the purge', async () => {
    const member = await addMember(gateways[0], projectId);
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) expect((await signIn(i, member, 'wrong-password')).statusCode).toBe(401);
    const { db } = gateways[0].deps.database;
    const now = gateways[0].clock.now();
    await purgeStaleSignInAttempts(gateways[0].deps, now);
    expect((await signIn(1, member, member.password)).statusCode).toBe(429);
    await purgeStaleSignInAttempts(gateways[0].deps, now + 2 * SIGN_IN_LIMITS.windowMs + 1);
    const left = await db.selectFrom('sign_in_attempts').select('attempted_at').where('attempted_at', '<=', now).execute();
    expect(left).toEqual([]);
  });

  it('stores only hashes of the emails and addresses it counts', async () => {
    const member = await addMember(gateways[0], projectId);
    const remoteAddress = from();
    await signIn(0, member, 'wrong-password', remoteAddress);
    const { db } = gateways[0].deps.database;
    const keys = (await db.selectFrom('sign_in_attempts').select('key').execute()).map((r) => r.key);
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(keys.some((k) => k.includes(member.email) || k.includes(remoteAddress))).toBe(false);
  });
});
