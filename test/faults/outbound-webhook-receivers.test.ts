import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { type FaultServer, startHangingServer, startHttpFault, startResettingServer, startTcpFault } from '../helpers/fault-servers.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const TIMEOUT_MS = 500;

/** Receivers that misbehave, and how the attempt must be recorded: failed (and retried 10 s later) or delivered. */
const receivers: Record<string, { start: () => Promise<FaultServer>; errorClass: string | null; message?: RegExp }> = {
  'accepts and never answers': { start: startHangingServer, errorClass: 'timeout', message: /^timeout: no complete answer within 500 ms/ },
  'answers after the timeout': {
    start: () => startHttpFault((_req, res) => void setTimeout(() => res.writeHead(200).end(), 4 * TIMEOUT_MS)),
    errorClass: 'timeout',
    message: /^timeout: no complete answer within 500 ms/,
  },
  'resets the connection': { start: () => startResettingServer(), errorClass: 'connection', message: /^connection reset or closed before an answer \(ECONNRESET\)$/ },
  'resets mid-status-line': { start: () => startResettingServer('HTTP/1.1 20'), errorClass: 'connection', message: /^connection reset or closed/ },
  'answers something that is not HTTP': { start: () => startTcpFault((s) => s.once('data', () => s.end('garbage\r\n\r\n'))), errorClass: 'bad_response', message: /^bad response: not HTTP/ },
  // The status decides: what follows a 2xx status line cannot undo the delivery nor hold it.
  'answers 200 with an endless body': {
    start: () =>
      startHttpFault((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(64 * 1024);
        const timer = setInterval(() => res.write(chunk), 5);
        res.on('close', () => clearInterval(timer));
      }),
    errorClass: null,
  },
  'answers 200 then resets mid-body': {
    start: () => startResettingServer('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"ok":'),
    errorClass: null,
  },
};

describe.each(dialects)('webhook deliveries to a misbehaving receiver (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) }, { isolated: true });
  });
  afterAll(() => gw.close());

  it.each(Object.keys(receivers))('records a receiver that %s as failed and retried, or as delivered once its status was 2xx', async (name) => {
    const spec = receivers[name] as (typeof receivers)[string];
    const server = await spec.start();
    try {
      const t = await newTenant(gw);
      const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: `${server.url}/hook`, events: ['whatsapp.message.received'] });
      const wamid = `wamid.FAULT${Math.random().toString(36).slice(2)}`;
      await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(wamid, 'hello', Math.floor(gw.clock.now() / 1000))]), t.appSecret);
      await newWorker(gw).runOnce();
      const { db } = gw.deps.database;
      const delivery = await db.selectFrom('deliveries').selectAll().where('webhook_id', '=', sub.id).executeTakeFirstOrThrow();
      const attempts = await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', delivery.id).execute();
      expect(attempts).toHaveLength(1);
      expect(attempts[0]?.error_class).toBe(spec.errorClass);
      if (spec.errorClass === null) {
        expect(delivery.status).toBe('delivered');
        expect((attempts[0]?.response_excerpt ?? '').length).toBeLessThanOrEqual(512);
        return;
      }
      expect(attempts[0]?.error_message).toMatch(spec.message as RegExp);
      expect(attempts[0]?.error_message).not.toContain('127.0.0.1');
      // The first retry of WEBHOOK_RETRY_SCHEDULE (10 s), on the test clock.
      expect(delivery).toMatchObject({ status: 'pending', attempt_count: 1, locked_by: null, next_attempt_at: gw.clock.now() + 10_000 });
    } finally {
      await server.close();
    }
  });
});
