import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { documentedOnly } from '../http/documented-only.ts';
import { errors } from '../http/errors.ts';
import { parseBoundedJson } from '../http/json-body.ts';
import { hashApiKey } from '../tenants/keys.ts';
import { verifyTokenExists } from '../tenants/store.ts';
import { normalizeCallWebhook } from '../calls/normalize-call-webhook.ts';
import { AppSecrets } from './app-secrets.ts';
import type { IngestCommitter, IngestOutcome } from './ingest.ts';
import { ingestLogDetail } from './log-detail.ts';
import { normalizeWebhook, phoneNumberIdsOf } from './normalize.ts';
import { MetaForwarding } from '../outbox/meta-forward.ts';
import { assertSignedByMeta } from './verify-webhook.ts';
import type { Metrics } from '../metrics/metrics.ts';

/**
 * For the OpenAPI document only: the handshake reads its query by hand (a repeated key must not
 * pass) and the webhook is verified on its raw bytes before anything parses it.
 */
const verifySchema = {
  querystring: documentedOnly(z.object({ 'hub.mode': z.literal('subscribe'), 'hub.verify_token': z.string(), 'hub.challenge': z.string() })),
  produces: ['text/plain'],
  response: { 200: documentedOnly(z.string().meta({ description: '`hub.challenge`, echoed: the verify token is one a registered number has.' })) },
};
const webhookSchema = {
  body: documentedOnly(
    z
      .object({ object: z.literal('whatsapp_business_account'), entry: z.array(z.record(z.string(), z.unknown())) })
      .loose()
      .meta({ description: "Meta's webhook payload (meta-cloud-api.md §3), signed in X-Hub-Signature-256." }),
  ),
  response: { 200: documentedOnly(z.object({ success: z.literal(true) }).meta({ description: 'Stored (or already stored): Meta need not retry.' })) },
};

/** Meta → us: the verification handshake and the signed webhook POST (meta-cloud-api.md §1). */
export async function ingestRoutes(app: FastifyInstance, deps: Deps & { committer: IngestCommitter }): Promise<void> {
  const secrets = new AppSecrets(deps);
  const forwarding = new MetaForwarding(deps);

  // The signature covers the exact bytes, so this scope keeps the body as a Buffer, and accepts
  // JSON only: anything else is answered 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: deps.config.http.ingestBodyLimitBytes }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/webhooks/whatsapp', { schema: verifySchema }, async (request, reply) => {
    // A repeated key arrives as an array: only single strings are taken (an array reached the query).
    const query = request.query as Record<string, unknown>;
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    if (query['hub.mode'] !== 'subscribe' || typeof token !== 'string' || !token || typeof challenge !== 'string') {
      throw errors.invalidParameter('hub.mode', 'Expected hub.mode=subscribe with hub.verify_token and hub.challenge.');
    }
    if (!(await verifyTokenExists(deps.database.db, hashApiKey(token)))) throw errors.verifyTokenMismatch();
    return reply.type('text/plain').send(challenge);
  });

  app.post('/webhooks/whatsapp', { schema: webhookSchema }, async (request, reply) => {
    const raw = request.body as Buffer;
    // Bounded in size (the parser's limit) and nesting before anything parses or walks it.
    const parsed = parseBoundedJson(raw);
    await assertSignedByMeta(raw, parsed, request.headers['x-hub-signature-256'] as string | undefined, secrets);
    const webhook = normalizeWebhook(parsed);
    const calls = normalizeCallWebhook(parsed);
    const ctx = { now: deps.clock.now(), inactivityMs: deps.config.conversations.inactivityMs };
    const forwards = await forwarding.bodiesFor(raw.toString('utf8'), parsed, phoneNumberIdsOf(parsed));
    const outcome = await deps.committer.submit({ webhook, ctx, forwards, calls }, 1 + webhook.messages.length + webhook.statuses.length + calls.length);
    countStored(deps.metrics, outcome);
    deps.outboxBell.ring();
    if (webhook.messages.some((m) => m.derived.hasMedia)) deps.mediaBell.ring();
    request.logDetail = ingestLogDetail(webhook, calls, outcome);
    return reply.send({ success: true });
  });
}

/** The ingest counters, once the payload is committed. */
function countStored(metrics: Metrics, outcome: IngestOutcome): void {
  metrics.ingestPayloads.inc();
  if (outcome.messagesStored > 0) metrics.ingestMessages.inc({ result: 'stored' }, outcome.messagesStored);
  if (outcome.duplicateMessages > 0) metrics.ingestMessages.inc({ result: 'duplicate' }, outcome.duplicateMessages);
  if (outcome.statusesStored > 0) metrics.ingestStatuses.inc({ result: 'stored' }, outcome.statusesStored);
  if (outcome.duplicateStatuses > 0) metrics.ingestStatuses.inc({ result: 'duplicate' }, outcome.duplicateStatuses);
}
