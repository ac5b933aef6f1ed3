import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/ingest/signature.ts';
import { BIN, runCliJson, startServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

/**
 * The README's commands are the whole deployment: `serve` alone delivers webhooks and downloads
 * media, on PostgreSQL as on SQLite (design.md "Processes"); EMBEDDED_WORKER=false makes an
 * API-only process, which says so.
 */
describe.each(dialects)('serve runs the delivery worker by default (%s)', { timeout: 90_000 }, (dialect) => {
  const children: ChildProcess[] = [];
  let receiver: Receiver | undefined;
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await receiver?.close();
  });

  const setUp = async () => {
    const env = {
      DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'embedded'),
      SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      SANDBOX: 'false',
    };
    receiver = await startReceiver();
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'embedded'], env);
    const pnid = `5${Date.now()}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550100300', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 'embedded-secret', '--verify-token', `v${pnid}`], env);
    runCliJson(['webhooks', 'add', '--project', project.id, '--phone-number-id', pnid, '--url', receiver.url, '--events', 'whatsapp.message.received'], env);
    return { env, pnid };
  };
  const postInbound = async (base: string, pnid: string) => {
    const body = messagesWebhook(pnid, [textMessage('wamid.EMBEDDED', 'hello')]);
    const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, 'embedded-secret') }, body });
    expect(res.status).toBe(200);
  };

  it('delivers a webhook with no `switchboard worker` running', async () => {
    const { env, pnid } = await setUp();
    const s = await startServe(env);
    children.push(s.child);
    await postInbound(s.base, pnid);
    const [delivery] = await (receiver as Receiver).waitFor(1, 20_000);
    expect(delivery?.json.message.id).toBe('wamid.EMBEDDED');
  });

  it('runs no worker with EMBEDDED_WORKER=false, and warns that deliveries need `switchboard worker`', async () => {
    const { env, pnid } = await setUp();
    const s = await startServe({ ...env, EMBEDDED_WORKER: 'false' });
    children.push(s.child);
    expect((await (await fetch(`${s.base}/readyz`)).json()).checks).not.toHaveProperty('outbox_worker');
    await postInbound(s.base, pnid);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('EMBEDDED_WORKER=false');
    expect(s.output()).toContain('switchboard worker');
    // Serve has come and gone without sending it; the delivery waited, and a worker sends it.
    expect((receiver as Receiver).requests).toHaveLength(0);
    const worker = spawn(process.execPath, [BIN, 'worker'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
    children.push(worker);
    const [delivery] = await (receiver as Receiver).waitFor(1, 30_000);
    expect(delivery?.json.message.id).toBe('wamid.EMBEDDED');
  });
});
