import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { closeDeps, createDeps, createLogger } from '../../src/create-deps.ts';
import type { Deps } from '../../src/deps.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempt_count: number;
  webhook_id: string;
}

describe.runIf(dialects.includes('sqlite'))('switchboard webhooks test, deliveries and redeliver (sqlite)', { timeout: 90_000 }, () => {
  const env = { DATABASE_URL: databaseUrlFor('sqlite', 'cli-deliveries'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' };
  let receiver: Receiver;
  // The worker runs in this process on the same database file. Its deadline of 0.36 s makes a
  // delivery that fails once failed for good (the first retry is 10 s away).
  let deps: Deps;
  beforeAll(async () => {
    receiver = await startReceiver();
    deps = createDeps(loadConfig({ ...env, LOG_LEVEL: 'silent', WEBHOOK_DEADLINE_HOURS: '0.0001' }), { log: createLogger('silent') });
  });
  afterAll(async () => {
    await receiver.close();
    await closeDeps(deps);
  });
  const deliverDue = () => new OutboxWorker(deps, { inactivityEveryMs: 0 }).runOnce();

  it('queues a test event, lists its failure and sends it again, each printing one JSON object', async () => {
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'deliveries'], env);
    const pnid = `5${Date.now()}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '15550102030', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 's', '--verify-token', 'v'], env);
    const { webhook } = runCliJson<{ webhook: { id: string } }>(
      ['webhooks', 'add', '--project', project.id, '--phone-number-id', pnid, '--url', receiver.url, '--events', 'whatsapp.message.received,whatsapp.message.sent'],
      env,
    );

    expect(runCliJson(['webhooks', 'test', '--project', project.id, '--id', webhook.id, '--event', 'whatsapp.message.sent'], env)).toEqual({ queued: true, event: 'whatsapp.message.sent' });
    receiver.respond = () => 503;
    await deliverDue();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.headers['x-webhook-event']).toBe('whatsapp.message.sent');

    const { deliveries } = runCliJson<{ deliveries: Delivery[] }>(['webhooks', 'deliveries', '--project', project.id, '--status', 'failed', '--limit', '5'], env);
    expect(deliveries).toEqual([expect.objectContaining({ event: 'whatsapp.message.sent', status: 'failed', attempt_count: 1, webhook_id: webhook.id })]);

    receiver.respond = () => 200;
    const since = new Date(Date.now() - 10 * 60_000).toISOString();
    expect(runCliJson(['webhooks', 'redeliver', '--project', project.id, '--failed', '--since', since], env)).toEqual({ redelivered: 1 });
    await deliverDue();
    expect(runCliJson(['webhooks', 'redeliver', '--project', project.id, '--delivery', deliveries[0]?.id ?? ''], env)).toEqual({ redelivered: 1 });
    await deliverDue();
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.headers['x-idempotency-key'])).size).toBe(1);
    const after = runCliJson<{ deliveries: Delivery[] }>(['webhooks', 'deliveries', '--project', project.id], env);
    expect(after.deliveries).toEqual([expect.objectContaining({ id: deliveries[0]?.id, status: 'delivered', attempt_count: 3 })]);

    const refused = runCli(['webhooks', 'test', '--project', project.id, '--id', webhook.id, '--event', 'whatsapp.message.read', '--json'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("Parameter 'event_type' must be one of the webhook's events");
    expect(refused.stdout).toBe('');
    const unknown = runCli(['webhooks', 'redeliver', '--project', project.id, '--delivery', '00000000-0000-4000-8000-000000000000', '--json'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no delivery');
  });
});
