import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/ingest/signature.ts';
import { runCliJson, startServe } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

describe.each(dialects)('switchboard serve (%s)', { timeout: 90_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'serve'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop' };
  const running: Array<{ child: ChildProcess }> = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('migrates on start and answers /healthz and /readyz', async () => {
    const s = await startServe(env);
    running.push(s);
    expect(await (await fetch(`${s.base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${s.base}/readyz`)).json()).toMatchObject({ status: expect.stringMatching(/^(ready|starting)$/), dialect, checks: { database: 'ok', http: 'ok' } });
    s.child.kill('SIGTERM');
    expect(await s.exited, s.output()).toBe(0);
  });

  it('finishes a webhook already in flight when SIGTERM arrives and exits cleanly though its client and an idle one keep their connections open', async () => {
    const { project, api_key: apiKey } = runCliJson<{ project: { id: string }; api_key: string }>(['projects', 'create', '--name', 'drain'], env);
    const pnid = `6${Date.now()}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550102040', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 'drain-secret', '--verify-token', `v${pnid}`], env);
    // At info, serve logs when SIGTERM has reached it.
    const s = await startServe({ ...env, LOG_LEVEL: 'info' });
    running.push(s);

    const body = messagesWebhook(pnid, [textMessage('wamid.DRAIN', 'sent during shutdown')]);
    // Expect: 100-continue: the server answers 100 once it has read the head, so the request is
    // known to be in flight before SIGTERM is sent.
    const head =
      `POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `X-Hub-Signature-256: ${signPayload(body, 'drain-secret')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\n`;
    // Clients that never hang up (as a load balancer's pool or Meta's sender may not): one idle
    // after an answer, one whose request is in flight. Neither may hold serve past its 10 s limit.
    const idle = connect(s.port, '127.0.0.1');
    let idleAnswer = '';
    idle.on('data', (d) => (idleAnswer += String(d)));
    const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    idle.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await waitFor('the idle client is answered', () => idleAnswer.includes('{"status":"ok"}'));
    const socket = connect(s.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write(head + body.slice(0, 20));
    await waitFor('the server reads the request head', () => answer.startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
    s.child.kill('SIGTERM');
    await waitFor('serve starts shutting down', () => s.output().includes('shutting down'));
    socket.write(body.slice(20));
    await closed;
    await idleClosed;
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/);
    expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n');
    // 0, not the 1 of "shutdown took longer than 10 s".
    expect(await s.exited, s.output()).toBe(0);

    // What was acknowledged is stored: a fresh process serves it.
    const again = await startServe(env);
    running.push(again);
    const res = await fetch(`${again.base}/v24.0/${pnid}/messages/wamid.DRAIN`, { headers: { 'x-api-key': apiKey } });
    expect(res.status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
