import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { sessionCookieOf, signIn } from '../helpers/inbox-session.ts';

interface Added {
  user: { id: string; email: string; role: string };
  sign_in_url?: string;
}

describe.each(dialects)('switchboard users (%s)', { timeout: 90_000 }, (dialect) => {
  const DATABASE_URL = databaseUrlFor(dialect, 'cli-users');
  const env = { DATABASE_URL, SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn', PUBLIC_URL: 'https://inbox.example.com' };
  // A gateway on the CLI's database: it signs in the members the CLI manages.
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, { DATABASE_URL, PUBLIC_URL: env.PUBLIC_URL });
  });
  afterAll(() => gw.close());

  const signInByLink = async (url: string) => {
    expect(url).toMatch(/^https:\/\/inbox\.example\.com\/inbox\/sign-in\/[A-Za-z0-9_-]{43}$/);
    // The link's page spends nothing; its Sign in button posts to the same URL.
    const res = await gw.app.inject({ method: 'POST', url: new URL(url).pathname, headers: { origin: 'https://inbox.example.com' } });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/']);
    return sessionCookieOf([res.headers['set-cookie']].flat().filter((c) => c !== undefined)) ?? '';
  };
  const sessionAnswers = async (cookie: string) => (await gw.app.inject({ method: 'GET', url: '/inbox/api/session', headers: { cookie } })).statusCode;

  it('adds, lists, resets and removes members, ending their sessions, and never prints a password', async () => {
    const { projectId } = await newProject(gw);
    const tag = projectId.slice(0, 8);
    const adminEmail = `Admin-${tag}@Example.test`;
    const agentEmail = `agent-${tag}@example.test`;

    // An admin without a password gets a one-time link, which signs in.
    const admin = runCliJson<Added>(['users', 'add', '--project', projectId, '--email', adminEmail, '--role', 'admin'], env);
    expect(admin.user).toEqual({ id: expect.any(String), email: adminEmail.toLowerCase(), role: 'admin' });
    const adminCookie = await signInByLink(admin.sign_in_url ?? '');
    expect(await sessionAnswers(adminCookie)).toBe(200);

    // An agent with a password read from a file: no link, and the password signs in.
    const dir = mkdtempSync(join(tmpdir(), 'users-'));
    writeFileSync(join(dir, 'password'), 'a-long-enough-password\n');
    const agent = runCliJson<Added>(['users', 'add', '--project', projectId, '--email', agentEmail, '--role', 'agent', '--password-file', join(dir, 'password')], env);
    expect(agent).toEqual({ user: { id: expect.any(String), email: agentEmail, role: 'agent' } });
    const agentSession = await signIn(gw, agentEmail, 'a-long-enough-password');

    const short = runCli(['users', 'add', '--project', projectId, '--email', `short-${tag}@example.test`, '--role', 'agent', '--password', 'too-short', '--json'], env);
    expect([short.status, short.stdout, short.stderr.trim()]).toEqual([1, '', 'switchboard: the password is too short: use at least 10 characters']);

    const listed = runCliJson<{ users: Added['user'][] }>(['users', 'list', '--project', projectId], env);
    expect(listed.users).toEqual([admin.user, agent.user]);

    // Reset without a password: the agent's session ends, the old password stops working, a link replaces it.
    const reset = runCliJson<Added>(['users', 'reset', '--email', agentEmail.toUpperCase()], env);
    expect(reset.user).toEqual(agent.user);
    expect(await sessionAnswers(agentSession.cookie)).toBe(401);
    await expect(signIn(gw, agentEmail, 'a-long-enough-password')).rejects.toThrow(/401/);
    expect(await sessionAnswers(await signInByLink(reset.sign_in_url ?? ''))).toBe(200);

    // Removal by id ends the admin's session at once.
    expect(runCliJson(['users', 'remove', '--email', admin.user.id], env)).toEqual({ user: admin.user, removed: true });
    expect(await sessionAnswers(adminCookie)).toBe(401);
  });
});
