import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxViewsOf } from '../../src/inbox/live/inbox-views.ts';
import { LiveHub } from '../../src/inbox/live/live-hub.ts';
import { SseStream } from '../../src/inbox/live/sse-stream.ts';
import { hashToken } from '../../src/tenants/session-tokens.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';
import { waitFor } from '../helpers/wait-for.ts';

// The hub's timings shortened: 15 s keep-alives and 5 s session checks in production.
const FAST = { pollMs: 20, graceMs: 200, keepAliveMs: 100, sessionCheckMs: 100 };

describe.each(dialects)('a live stream keeps itself open and ends with its session (%s)', (dialect) => {
  let gw: TestGateway;
  let hub: LiveHub;
  beforeAll(async () => {
    gw = await startGateway(dialect);
    hub = new LiveHub(gw.deps, inboxViewsOf(gw.deps), FAST);
  });
  afterAll(async () => {
    hub.close();
    await gw.close();
  });

  function attach(member: InboxSession & { id: string; projectId: string }) {
    const stream = new SseStream();
    let text = '';
    stream.body.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const token = member.cookie.slice('switchboard_session='.length);
    const { detach } = hub.open({ userId: member.id, projectId: member.projectId, sessionId: hashToken(token) }, stream, null);
    return { stream, detach, text: () => text };
  }

  it('writes a keep-alive comment line on every interval', async () => {
    const t = await newTenant(gw);
    const s = attach(await signedInMember(gw, t.projectId));
    await waitFor('two keep-alives', () => s.text().split(': keep-alive\n\n').length > 2, { timeoutMs: 5_000 });
    expect(s.stream.closed).toBe(false);
    s.detach();
    expect(s.stream.closed).toBe(true);
  });

  it('ends the stream when its session is signed out, and leaves the others open', async () => {
    const t = await newTenant(gw);
    const leaving = await signedInMember(gw, t.projectId);
    const staying = attach(await signedInMember(gw, t.projectId));
    const s = attach(leaving);
    expect((await gw.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers: leaving.headers() })).statusCode).toBe(204);
    await waitFor('the stream ends', () => s.stream.closed, { timeoutMs: 5_000 });
    expect(staying.stream.closed).toBe(false);
    staying.detach();
  });

  it('ends every stream when closed, and opens none after', async () => {
    const t = await newTenant(gw);
    const member = await signedInMember(gw, t.projectId);
    const own = new LiveHub(gw.deps, inboxViewsOf(gw.deps), FAST);
    const stream = new SseStream();
    own.open({ userId: member.id, projectId: t.projectId, sessionId: 'x' }, stream, null);
    own.close();
    expect(stream.closed).toBe(true);
    const late = new SseStream();
    own.open({ userId: member.id, projectId: t.projectId, sessionId: 'x' }, late, null);
    expect(late.closed).toBe(true);
  });
});
