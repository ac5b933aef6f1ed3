import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/ingest/signature.ts';
import { runCliJson, startServe } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';
import { eventually } from '../helpers/fault-servers.ts';
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

  it('finishes a webhook already in flight when SIGTERM arrives, then exits cleanly', async () => {
    const { project, api_key: apiKey } = runCliJson<{ project: { id: string }; api_key: string }>(['projects', 'create', '--name', 'drain'], env);
    const pnid = `6${Date.now()}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550102040', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 'drain-secret', '--verify-token', `v${pnid}`], env);
    // At info, serve says when its shutdown begins: the rest of the request is sent after that.
    const s = await startServe({ ...env, LOG_LEVEL: 'info' });
    running.push(s);

    const body = messagesWebhook(pnid, [textMessage('wamid.DRAIN', 'sent during shutdown')]);
    const head =
      `POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `X-Hub-Signature-256: ${signPayload(body, 'drain-secret')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    const socket = connect(s.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write(head + body.slice(0, 20)); // the request is now in flight
    await new Promise((r) => setTimeout(r, 200));
    s.child.kill('SIGTERM');
    await eventually('serve begins shutting down', () => s.output().includes('shutting down'));
    socket.write(body.slice(20));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
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
