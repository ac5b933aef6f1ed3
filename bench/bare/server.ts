/**
 * The bare ceiling of issue 23 §1: the product's two hot paths with nothing else, on the same
 * database, so that `npm run bench` reports product ÷ bare measured minutes apart. `node:http`,
 * no framework, no validation beyond what the work needs, and the one JSON log line per request
 * the product writes at its production level (pino, LOG_LEVEL=info; issue 23: logging the same on
 * both sides):
 * - POST /webhooks/whatsapp: the raw body, the HMAC-SHA256 check of X-Hub-Signature-256,
 *   JSON.parse, then the product's rows for each message (store.ts), in one transaction per
 *   event-loop turn (group commit), answered 200 only after its COMMIT.
 * - GET /{version}/{phone_number_id}/messages/{wamid}: the X-API-Key check, one prepared
 *   statement, the product's JSON (present.ts).
 *
 * Run by the bench as its own process: DATABASE_URL (sqlite:FILE or postgres://…?schema=…), PORT,
 * HOST, and BARE_APP_SECRET, the number's app secret read once at start (the product keeps it
 * encrypted in the store; the bench, which chose it, hands it over rather than the bare decrypt it).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pino } from 'pino';
import { openPostgresStore } from './postgres-store.ts';
import { presentMessage } from './present.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { BareStore, InboundMessage } from './store.ts';

const databaseUrl = process.env.DATABASE_URL ?? '';
const appSecret = process.env.BARE_APP_SECRET ?? '';
const store: BareStore = databaseUrl.startsWith('sqlite:') ? openSqliteStore(databaseUrl.slice('sqlite:'.length)) : openPostgresStore(databaseUrl);
// API keys are stored as SHA-256 hashes (src/tenants/keys.ts): a request's key is hashed and looked
// up among the live keys' hashes, read once here; the product reads a key's row by its prefix, and
// then caches the answer for 5 s.
const { keys, numbers } = await store.tenancy();

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });

const server = createServer((req, res) => {
  const started = performance.now();
  res.once('finish', () => log.info({ method: req.method, url: req.url, statusCode: res.statusCode, responseTime: performance.now() - started }, 'request'));
  // Any failure (a batch that could not commit, a malformed body) is a 500: the bench counts it.
  route(req, res).catch((err: unknown) => answer(res, 500, JSON.stringify({ error: (err as Error).message })));
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'POST' && req.url === '/webhooks/whatsapp') return ingest(req, res);
  const parts = req.method === 'GET' ? (req.url ?? '').split('/') : [];
  if (parts.length === 5 && parts[3] === 'messages') return getMessage(req, res, parts[2] as string, decodeURIComponent(parts[4] as string));
  if (req.url === '/healthz') return answer(res, 200, '{"status":"ok"}');
  answer(res, 404, '{"error":"not found"}');
}

async function getMessage(req: IncomingMessage, res: ServerResponse, phoneNumberId: string, wamid: string): Promise<void> {
  const key = req.headers['x-api-key'];
  const projectId = typeof key === 'string' ? keys.get(createHash('sha256').update(key).digest('hex')) : undefined;
  if (!projectId) return answer(res, 401, '{"error":"unauthenticated"}');
  // Another project's number answers as a missing message, as in the product.
  const row = numbers.get(phoneNumberId) === projectId ? await store.findMessage(projectId, phoneNumberId, wamid) : undefined;
  if (!row) return answer(res, 404, '{"error":"not found"}');
  answer(res, 200, JSON.stringify(presentMessage(row)));
}

async function ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const presented = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
  const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return answer(res, 401, '{"error":"invalid signature"}');
  await commit(messagesOf(JSON.parse(raw.toString('utf8')) as WebhookBody, Date.now()));
  answer(res, 200, '{"success":true}');
}

/**
 * The text messages of a webhook (the bench sends no other kind, and no statuses), each signed
 * for by the one app secret: a number the store does not know is refused, as in the product.
 */
function messagesOf(body: WebhookBody, now: number): InboundMessage[] {
  const messages: InboundMessage[] = [];
  for (const entry of body.entry ?? []) {
    for (const { field, value } of entry.changes ?? []) {
      if (field !== 'messages' || !value) continue;
      const phoneNumberId = value.metadata.phone_number_id;
      if (!numbers.has(phoneNumberId)) throw new Error(`unknown number ${phoneNumberId}`);
      for (const m of value.messages ?? []) {
        const profileName = value.contacts?.find((c) => c.wa_id === m.from)?.profile?.name ?? null;
        const text = m.text?.body ?? null;
        messages.push({ phoneNumberId, waId: m.from, profileName, id: m.id, type: m.type, timestamp: Number(m.timestamp), payload: JSON.stringify(m), content: text, preview: text || `[${m.type}]`, now });
      }
    }
  }
  return messages;
}

interface WebhookBody {
  entry?: Array<{
    changes?: Array<{
      field: string;
      value?: {
        metadata: { phone_number_id: string };
        contacts?: Array<{ wa_id: string; profile?: { name?: string } }>;
        messages?: Array<{ from: string; id: string; timestamp: string; type: string; text?: { body?: string } }>;
      };
    }>;
  }>;
}

// Group commit: the payloads that arrive in one turn of the event loop share one transaction
// (setImmediate runs after this turn's I/O callbacks), at most `concurrentWrites` in flight; every
// request is answered after the COMMIT of its batch. No cap on a batch's size: the ceiling is the
// throughput, and the product's cap (500 messages) trades some of it for latency.
let queue: Array<{ messages: InboundMessage[]; settle: (err?: unknown) => void }> = [];
let writing = 0;
let scheduled = false;

function commit(messages: InboundMessage[]): Promise<void> {
  return new Promise((resolve, reject) => {
    queue.push({ messages, settle: (err) => (err ? reject(err) : resolve()) });
    scheduleFlush();
  });
}

function scheduleFlush(): void {
  if (scheduled || writing >= store.concurrentWrites || queue.length === 0) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    const batch = queue;
    queue = [];
    writing++;
    store
      .write(batch.flatMap((p) => p.messages))
      .then(
        () => batch.forEach((p) => p.settle()),
        (err: unknown) => batch.forEach((p) => p.settle(err)),
      )
      .finally(() => {
        writing--;
        scheduleFlush();
      });
    scheduleFlush();
  });
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, JSON_HEADERS).end(body);
}

process.once('SIGTERM', () => {
  server.close(() => void store.close().then(() => process.exit(0)));
  server.closeIdleConnections();
});
