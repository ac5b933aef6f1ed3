import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/ingest/signature.ts';
import { BIN, runCliJson, startServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

/**
 * Scale-out on PostgreSQL as an operator runs it: two `serve` processes behind a load balancer
 * and two `switchboard worker` processes. Meta delivers every payload twice, to both API
 * processes at once (a retry reaching another instance), and re-batches some. Midway one API
 * process and one worker are killed (SIGKILL); Meta retries what the dead one did not answer on
 * the other. Nothing may deadlock, answer 5xx, be lost or stored twice, and each conversation's
 * webhooks arrive in the order its messages were acknowledged.
 */
describe.runIf(dialects.includes('postgres'))('two serve and two worker processes on PostgreSQL', { timeout: 180_000 }, () => {
  const databaseUrl = isolatedDatabaseUrlFor('postgres', 'scaleout');
  const env = { DATABASE_URL: databaseUrl, SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '1500', SANDBOX: 'false' };
  const children: ChildProcess[] = [];
  let receiver: Receiver | undefined;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await receiver?.close();
  });

  it('stores each message once, answers no 5xx, never deadlocks and delivers each conversation in order', async () => {
    receiver = await startReceiver();
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'scale-out'], env);
    const pnid = `8${Date.now()}`;
    const appSecret = 'scale-out-app-secret';
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550100200', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', appSecret, '--verify-token', `v${pnid}`], env);
    runCliJson(['webhooks', 'add', '--project', project.id, '--phone-number-id', pnid, '--url', receiver.url, '--events', 'whatsapp.message.received'], env);

    const apis = [await startServe(env), await startServe(env)];
    const workers = [startWorker(), startWorker()];
    for (const api of apis) children.push(api.child);
    const deadlocksBefore = await deadlocks();

    const customers = Array.from({ length: 8 }, (_, c) => `1415600${String(c).padStart(4, '0')}`);
    const perCustomer = 12;
    const codes: number[] = [];
    let killed = false;
    /** Delivers one payload as Meta would: to both processes at once, retried on the live one when one is gone. */
    const deliver = async (body: string) => {
      const post = async (base: string) => {
        try {
          const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, appSecret) }, body });
          codes.push(res.status);
          return res.status === 200;
        } catch {
          return false; // the killed process: Meta retries elsewhere
        }
      };
      const results = await Promise.all(apis.map((api) => post(api.base)));
      if (!results.some(Boolean)) expect(await post((apis[0] as { base: string }).base)).toBe(true);
    };
    await Promise.all(
      customers.map(async (from, c) => {
        for (let i = 0; i < perCustomer; i++) {
          if (c === 0 && i === perCustomer / 2 && !killed) {
            killed = true;
            (apis[1] as { child: ChildProcess }).child.kill('SIGKILL');
            (workers[1] as ChildProcess).kill('SIGKILL');
          }
          const message = textMessage(`wamid.SCALE-${c}-${i}`, `#${i}`, 1767268800 + i, from);
          await deliver(messagesWebhook(pnid, [message], from));
          // Every third message is also re-delivered inside a batch with the customer's previous one.
          if (i > 0 && i % 3 === 0) await deliver(messagesWebhook(pnid, [textMessage(`wamid.SCALE-${c}-${i - 1}`, `#${i - 1}`, 1767268800 + i - 1, from), message], from));
        }
      }),
    );

    const total = customers.length * perCustomer;
    expect(codes.filter((code) => code >= 500)).toEqual([]);
    const stored = await query<{ count: string }>('select count(*) from messages where phone_number_id = $1', [pnid]);
    expect(Number(stored[0]?.count)).toBe(total);

    // Every message reaches the receiver (a killed worker's delivery may be repeated, same key).
    const until = Date.now() + 90_000;
    const firstArrival = new Map<string, number>();
    while (firstArrival.size < total && Date.now() < until) {
      receiver.requests.forEach((r, at) => {
        const id = r.json?.message?.id as string | undefined;
        if (id && !firstArrival.has(id)) firstArrival.set(id, at);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(firstArrival.size).toBe(total);
    for (const [c] of customers.entries()) {
      const ids = Array.from({ length: perCustomer }, (_, i) => `wamid.SCALE-${c}-${i}`);
      const arrivals = ids.map((id) => firstArrival.get(id) as number);
      expect(arrivals, `customer ${c}`).toEqual([...arrivals].sort((a, b) => a - b));
    }
    expect(await deadlocks()).toBe(deadlocksBefore);
  });

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, [BIN, 'worker'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
    children.push(child);
    return child;
  }

  async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    const url = new URL(databaseUrl);
    const schema = url.searchParams.get('schema') as string;
    url.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(`set search_path to ${schema}`);
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** PostgreSQL's count of deadlocks in this database (backends report it when idle, within a second). */
  async function deadlocks(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const rows = await query<{ deadlocks: string }>('select deadlocks from pg_stat_database where datname = current_database()');
    return Number(rows[0]?.deadlocks ?? 0);
  }
});
