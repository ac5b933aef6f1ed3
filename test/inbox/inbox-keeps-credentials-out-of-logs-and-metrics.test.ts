import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInLinkFor } from '../../src/tenants/users.ts';
import { dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember, sessionCookieOf, signIn } from '../helpers/inbox-session.ts';
import { captureLogs, type LogCapture } from '../helpers/log-capture.ts';
import { METRICS_TOKEN } from '../helpers/metrics.ts';

/**
 * Everything that signs a member in (password, its hash, session cookies, CSRF tokens, one-time
 * link tokens) stays out of the log, however the request was spelled, and out of /metrics.
 */
describe.each(dialects)('the inbox keeps credentials out of logs and metrics (%s)', (dialect) => {
  let gw: TestGateway;
  let logs: LogCapture;
  const secrets: string[] = [];
  const answers: string[] = [];

  beforeAll(async () => {
    logs = captureLogs('trace');
    gw = await startGateway(dialect, { METRICS_TOKEN, LOG_LEVEL: 'trace' }, { log: logs.log });
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    const hash = (await gw.deps.database.db.selectFrom('users').select('password_hash').where('id', '=', member.id).executeTakeFirstOrThrow()).password_hash ?? '';
    const wrong = `wrong-${member.password}`;
    secrets.push(member.password, wrong, hash);
    const inject = async (options: InjectOptions) => {
      const res = await gw.app.inject(options);
      answers.push(res.body);
      return res;
    };

    await inject({ method: 'POST', url: '/inbox/api/session', payload: { email: member.email, password: wrong } });
    const session = await signIn(gw, member.email, member.password);
    secrets.push(session.cookie.split('=')[1] ?? '', session.csrfToken);
    await inject({ method: 'GET', url: '/inbox/api/session', headers: session.headers() });
    await inject({ method: 'DELETE', url: '/inbox/api/session', headers: { cookie: session.cookie, 'x-csrf-token': `${session.csrfToken}x` } });
    await inject({ method: 'POST', url: '/inbox/api/conversations/x/notes', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: 'https://evil.test' }, payload: { body: 'x' } });

    // A link followed as issued, and links spelled otherwise: encoded (the router decodes it to the
    // route), in another case or with a doubled slash (404s that still carry a live token).
    const spellings = [(t: string) => `/inbox/sign-in/${t}`, (t: string) => `/inbox/%73ign-in/${t}`, (t: string) => `/INBOX/Sign-In/${t}`, (t: string) => `//inbox/sign-in/${t}?x=1`];
    for (const spell of spellings) {
      const token = new URL(await signInLinkFor(gw.deps, member.id)).pathname.split('/').pop() ?? '';
      secrets.push(token);
      await inject({ method: 'GET', url: spell(token) });
      const res = await inject({ method: 'POST', url: spell(token) });
      const cookie = sessionCookieOf([res.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string'));
      if (cookie) secrets.push(cookie.split('=')[1] ?? '');
    }
    await inject({ method: 'GET', url: '/inbox/sign-in/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    await inject({ method: 'POST', url: '/inbox/sign-in/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', headers: { origin: 'https://evil.test' } });
    const metrics = await gw.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.statusCode).toBe(200);
    answers.push(metrics.body);
  });
  afterAll(() => gw.close());

  it('logged every request', () => {
    const requests = logs.lines().filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(10);
    const redacted = requests.filter((l) => String(l.url).includes('[redacted]'));
    expect(redacted.filter((l) => l.method === 'GET').length).toBeGreaterThanOrEqual(5);
    expect(redacted.filter((l) => l.method === 'POST').length).toBeGreaterThanOrEqual(5);
  });

  it('writes no password, hash, session token, CSRF token or link token to the log', () => {
    const text = logs.text();
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text).not.toContain(secret);
    }
  });

  it('labels /metrics by route pattern, never with a token', () => {
    const scrape = answers.at(-1) ?? '';
    for (const secret of secrets) expect(scrape).not.toContain(secret);
    expect(scrape).toContain('route="/inbox/sign-in/:token"');
  });

  it('answers no password or hash in any body', () => {
    for (const body of answers) for (const secret of secrets.slice(0, 3)) expect(body).not.toContain(secret);
  });
});
