import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDeps, createLogger } from '../../src/create-deps.ts';
import type { Deps } from '../../src/deps.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
import { BIN, runCliJson, startServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { createTestClock, startGateway, type TestGateway } from '../helpers/harness.ts';
import { subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { signPayload } from '../../src/ingest/signature.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

describe.runIf(dialects.includes('postgres'))('two delivery workers on PostgreSQL', () => {
  let gw: TestGateway;
  let second: Deps;
  let receiver: Receiver;
  beforeAll(async () => {
    gw = await startGateway('postgres', { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { isolated: true });
    // The second worker has a connection pool of its own, as a separate process would.
    second = createDeps(gw.deps.config, { clock: gw.clock, log: createLogger('silent') });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await second.database.close();
    await gw.close();
  });

  it('deliver each event exactly once between them', async () => {
    const t = await newTenant(gw);
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    const workers = [new OutboxWorker(gw.deps, { idlePollMs: 5 }), new OutboxWorker(second, { idlePollMs: 5 })];
    for (const w of workers) w.start();
    const total = 300;
    for (let i = 0; i < total; i += 10) {
      // Ten customers per payload, each in a conversation of their own: nothing waits on order.
      const batch = Array.from({ length: 10 }, (_, j) => textMessage(`wamid.TWO${i + j}`, `m${i + j}`, 1767268800, `1415500${String(i + j).padStart(4, '0')}`));
      for (const m of batch) expect((await postWebhook(gw, messagesWebhook(t.phoneNumberId, [m], m.from), t.appSecret)).statusCode).toBe(200);
    }
    await receiver.waitFor(total, 30_000);
    // Stopped and drained, neither worker sends anything more: a duplicate would be here by now.
    const drained = workers.map((w) => w.events.next('drained'));
    await Promise.all(workers.map((w) => w.stop(1_000)));
    expect(await Promise.all(drained)).toEqual([{ left: 0 }, { left: 0 }]);

    const keys = receiver.requests.map((r) => r.headers['x-idempotency-key']);
    expect(keys).toHaveLength(total);
    expect(new Set(keys).size).toBe(total);
  });
});

describe.each(dialects)('a delivery process killed mid-delivery (%s)', { timeout: 90_000 }, (dialect) => {
  const env = {
    DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'crash'),
    SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop',
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    WEBHOOK_TIMEOUT_MS: '1500',
    SANDBOX: 'false',
  };
  const children: ChildProcess[] = [];
  let receiver: Receiver;
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await receiver?.close();
  });

  /** SQLite: serve delivers (embedded worker). PostgreSQL: a separate `switchboard worker` does. */
  const startDeliverer = async () => {
    if (dialect === 'sqlite') {
      const s = await startServe(env);
      children.push(s.child);
      return { child: s.child, base: s.base };
    }
    const child = spawn(process.execPath, [BIN, 'worker'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
    children.push(child);
    return { child, base: null };
  };

  it('delivers the event after a restart, with the same idempotency key', async () => {
    receiver = await startReceiver();
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? 'hang' : 200);
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'crash'], env);
    const pnid = `7${Date.now()}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550102040', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 'crash-secret', '--verify-token', `v${pnid}`], env);
    const local = createDeps(loadConfig(env), { clock: createTestClock(Date.now()), log: createLogger('silent') });
    await subscribe({ deps: local, clock: createTestClock(Date.now()) } as unknown as TestGateway, { projectId: project.id, phoneNumberId: pnid, url: receiver.url, events: ['whatsapp.message.received'] });
    await local.database.close();

    // On PostgreSQL the API process is API-only, so the killed `switchboard worker` is the one delivering.
    const api = dialect === 'sqlite' ? await startDeliverer() : await startServe({ ...env, EMBEDDED_WORKER: 'false' }).then((s) => (children.push(s.child), { child: s.child, base: s.base }));
    const deliverer = dialect === 'sqlite' ? api : await startDeliverer();
    const body = messagesWebhook(pnid, [textMessage('wamid.CRASH', 'are you there?', Math.floor(Date.now() / 1000))]);
    const res = await fetch(`${api.base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, 'crash-secret') }, body });
    expect(res.status).toBe(200);

    await receiver.waitFor(1, 20_000);
    deliverer.child.kill('SIGKILL');
    await new Promise((resolve) => deliverer.child.once('exit', resolve));
    const restarted = await startDeliverer();
    expect(restarted.child.pid).toBeDefined();

    // The dead process's lease (timeout + 5 s) expires, and the new one delivers.
    const [first, second] = await receiver.waitFor(2, 30_000);
    expect(second?.headers['x-idempotency-key']).toBe(first?.headers['x-idempotency-key']);
    expect(second?.json.message.id).toBe('wamid.CRASH');
  });
});
