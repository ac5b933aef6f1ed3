import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/simulator/index.ts';
import { saleRecipients } from '../helpers/broadcast-worker.ts';
import { seedTemplate } from '../helpers/broadcasts.ts';
import { BIN, freePort, runCliJson, runCliJsonAsync, startServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { waitFor } from '../helpers/wait-for.ts';

const RECIPIENTS = 200;
/** The sender is killed once this many sends were accepted by the simulated Meta, each time. */
const KILL_AFTER = [40, 90, 140];

/**
 * The process that sends a broadcast dies with SIGKILL mid-send, three times, and is started again
 * at once: on SQLite that is `serve` (its embedded worker), on PostgreSQL the `switchboard worker`
 * beside a `serve` without workers. A send in flight when it died has an unknown outcome; it is
 * resolved from Meta's tagged status webhook, never by sending again blindly (docs/broadcasts.md
 * "Never twice"). Meta is the simulator, which counts what it accepted per customer. The
 * recipients a killed process had claimed wait for their lease (5 s here) to run out.
 */
describe.each(dialects)('killing the process that sends a broadcast (%s)', { timeout: 300_000 }, (dialect) => {
  const children: ChildProcess[] = [];
  let sim: Simulator | undefined;
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await sim?.close();
  });

  it('sends every recipient exactly once and ends with the counts Meta has', async () => {
    // Meta retries a webhook it could not deliver for days; the simulator, by default, for 15 s,
    // less than a loaded machine may take to start serve again. Here it retries every second for
    // a minute, so its tagged statuses come back soon after serve does. A lost send waits
    // BROADCAST_OUTCOME_WAIT_MS for them: 20 s, since on a loaded machine the tagged status can
    // sit behind hundreds of others the simulator is still redelivering (8 s was seen to be too
    // short: sends accepted before the kill were sent again).
    sim = await buildSimulator({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 }, maxMessagesPerSecond: 100, retry: { maxAttempts: 60, baseDelayMs: 250, maxDelayMs: 1_000 } });
    const simulatorUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
    const port = await freePort();
    const env = {
      DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'killsender'),
      SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop',
      META_GRAPH_URL: simulatorUrl,
      SANDBOX: 'false',
      BROADCAST_OUTCOME_WAIT_MS: '20000',
      BROADCAST_LEASE_MS: '5000',
      PORT: String(port),
    };
    // `projects create` migrates the empty database first, as every command does.
    const { project, api_key: apiKey } = runCliJson<{ project: { id: string }; api_key: string }>(['projects', 'create', '--name', 'kill-the-sender'], env);
    const number = { id: `7${Date.now()}`, display: '+15550100300', waba: '109876543210300', token: 'kill-token', secret: 'kill-app-secret' };
    sim.registerNumber({ phone_number_id: number.id, display_phone_number: number.display, waba_id: number.waba, access_token: number.token, app_secret: number.secret, webhook_url: `http://127.0.0.1:${port}/webhooks/whatsapp` });
    // Async: `numbers add` reads the number's messaging limit from Meta, the simulator in this process.
    await runCliJsonAsync(['numbers', 'add', '--project', project.id, '--phone-number-id', number.id, '--display-phone-number', number.display, '--waba-id', number.waba,
      '--access-token', number.token, '--app-secret', number.secret, '--verify-token', `v${number.id}`], env);
    runCliJson(['numbers', 'update', '--phone-number-id', number.id, '--max-messages-per-second', '100'], env);
    const template = seedTemplate({ sim }, number.waba);

    // SQLite: serve sends; PostgreSQL: serve without workers, and a worker that sends.
    const serveEnv = dialect === 'postgres' ? { ...env, EMBEDDED_WORKER: 'false' } : env;
    const startServeChild = async () => {
      const s = await startServe(serveEnv);
      children.push(s.child);
      return s.child;
    };
    const startWorkerChild = () => {
      const child = spawn(process.execPath, [BIN, 'worker'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
      children.push(child);
      return child;
    };
    let serve = await startServeChild();
    let sender = dialect === 'postgres' ? startWorkerChild() : serve;
    const restartSender = async () => {
      const exited = new Promise((resolve) => sender.once('exit', resolve));
      sender.kill('SIGKILL');
      await exited;
      if (dialect === 'postgres') sender = startWorkerChild();
      else sender = serve = await startServeChild();
    };

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}/platform/v1/whatsapp${path}`, {
        method,
        headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const created = await api('POST', '/broadcasts', { whatsapp_broadcast: { name: 'Killed', phone_number_id: number.id, whatsapp_template_id: template.id } });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expect((await api('POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: saleRecipients(RECIPIENTS) } })).body.data).toMatchObject({ added: RECIPIENTS });
    expect((await api('POST', `/broadcasts/${id}/send`)).status).toBe(202);

    const accepted = () => (sim as Simulator).state.sends.recipients({ phoneNumberId: number.id });
    const acceptedTotal = () => accepted().reduce((sum, r) => sum + r.accepted, 0);
    for (const point of KILL_AFTER) {
      await waitFor(`${point} sends accepted`, () => acceptedTotal() >= point, { timeoutMs: 60_000, intervalMs: 20 });
      await restartSender();
    }

    let broadcast: Record<string, unknown> = {};
    await waitFor('the broadcast completed', async () => {
      broadcast = (await api('GET', `/broadcasts/${id}`)).body.data;
      return broadcast.status === 'completed';
    }, { timeoutMs: 180_000, intervalMs: 1000 });

    const perCustomer = accepted();
    expect(perCustomer).toHaveLength(RECIPIENTS);
    expect(perCustomer.filter((r) => r.accepted !== 1)).toEqual([]);
    expect(broadcast).toMatchObject({ total_recipients: RECIPIENTS, pending_count: 0, sent_count: RECIPIENTS, failed_count: 0 });
    expect(serve.exitCode).toBeNull();
  });
});
