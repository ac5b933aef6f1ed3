/**
 * `npm run bench:media`: media, on SQLite with the file store, with
 * `switchboard simulator` in its own process as Meta and the gateway (`switchboard serve`, which
 * embeds the media worker) in another.
 *
 * (a) Memory: the gateway's VmRSS (sampled every 10 ms) while its worker downloads a 100 MB
 *     document and while the document is then served through its media_url; growth = peak −
 *     the RSS just before (after a small file went through the same path, so lazy modules are
 *     loaded). Target ≤ 30 MB.
 * (b) Ingest: signed webhook POSTs (one ~600-byte message each, 50 connections, 8 s per round)
 *     of text messages and of image messages (each queues a download), after a warm-up of each,
 *     four rounds each in text-media-media-text order twice, in one gateway with EMBEDDED_WORKER=false, so the downloads
 *     stay queued and the rounds compare what ingest itself does. Target: media ≥ 0.9 × text.
 * (c) Serving: GET of one 1 MB image's media_url, 10 connections, 10 s, next to a bare
 *     `node:http` server streaming the same stored file, measured the same way (on loopback with
 *     autocannon reading the bodies, the load generator sets that ceiling).
 * (d) Latency: 500 customer images (100 KB) sent by the simulator at 50 messages/s; for each,
 *     the time from the simulator being told to send the webhook to the gateway having stored
 *     the file (media_url present from then on). Median and p99.
 */
import autocannon, { type Request } from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { signPayload } from '../src/ingest/signature.ts';
import { customerName, customerWaId } from './dataset.ts';
import { randomWamid, textBody, textMessage, webhookBody } from './payloads.ts';
import { runCli, type ServerProcess, sleep, startServer } from './processes.ts';
import { waitForQuietMachine } from './quiet.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NUMBER = { id: '400300200100500', display: '15550104444', waba: '400300200100501', token: 'bench-token', secret: 'bench-app-secret' };
const CUSTOMERS = 1_000;
/** `npm run bench:media -- --ingest-only`: part (b) alone, while working on ingest. */
const INGEST_ONLY = process.argv.includes('--ingest-only');
/** `-- --downloads-only`: parts (a), (c) and (d) alone (the ingest row then reads 0). */
const DOWNLOADS_ONLY = process.argv.includes('--downloads-only');
const MB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'switchboard-media-bench-'));
const simulatorPort = 20_000 + Math.floor(Math.random() * 20_000);
const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
let simulator: ChildProcess | undefined;

/** A JPEG signature followed by random bytes: what the gateway's sniffing accepts as image/jpeg. */
const jpeg = (bytes: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]), randomBytes(bytes - 12)]);

try {
  console.error(`quiet machine check: ${Math.round(await waitForQuietMachine(60_000))}% busy`);
  simulator = spawn(
    process.execPath,
    ['bin/switchboard.js', 'simulator', '--port', String(simulatorPort), '--log-level', 'warn', '--max-mps', '1000000', '--no-pair-rate', '--no-window', '--delivery-concurrency', '8'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitFor(`${simulatorUrl}/_simulator/numbers`);
  Object.assign(process.env, { META_GRAPH_URL: simulatorUrl, SANDBOX: 'false' });

  console.error('media bench: ingest, text vs media…');
  const ingest = DOWNLOADS_ONLY ? { text: 0, media: 0, ratio: 0, rounds: { text: [], media: [] } } : await benchIngest();
  if (INGEST_ONLY) {
    console.log(`| ingest with media ≥ 0.9 × text-only | ${ingest.ratio.toFixed(2)} (media ${ingest.media.toFixed(0)}/s, text ${ingest.text.toFixed(0)}/s) | ${ingest.ratio >= 0.9 ? 'yes' : '**no**'} |`);
    console.log(JSON.stringify({ ingest }, null, 2));
  } else {
    await benchAll(ingest);
  }
} finally {
  simulator?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

async function benchAll(ingest: Awaited<ReturnType<typeof benchIngest>>) {
  console.error('media bench: memory, serving, latency…');
  const { memory, serving, latency } = await benchDownloads();

  console.log(`\n### Media, SQLite, file store (${new Date().toISOString()}, node ${process.version})\n`);
  console.log('| target | measured | met |\n|---|---:|---|');
  console.log(`| RSS growth while downloading and serving a 100 MB document ≤ 30 MB | ${memory.growthMb.toFixed(1)} MB (download peak +${memory.downloadGrowthMb.toFixed(1)}, serving peak +${memory.servingGrowthMb.toFixed(1)}; before ${memory.beforeMb.toFixed(1)} MB) | ${memory.growthMb <= 30 ? 'yes' : '**no**'} |`);
  console.log(`| ingest with media ≥ 0.9 × text-only | ${ingest.ratio.toFixed(2)} (media ${ingest.media.toFixed(0)}/s, text ${ingest.text.toFixed(0)}/s) | ${ingest.ratio >= 0.9 ? 'yes' : '**no**'} |`);
  console.log(`| 1 MB image served per second (10 conn) | ${serving.perSecond.toFixed(0)}/s, ${serving.mbPerSecond.toFixed(0)} MB/s, p99 ${serving.p99} ms, non-2xx ${serving.non2xx}; bare node:http on the same file ${serving.barePerSecond.toFixed(0)}/s (${serving.ratio.toFixed(2)}×) | — |`);
  console.log(`| webhook → media_url at 50 media messages/s (100 KB) | median ${latency.medianMs.toFixed(0)} ms, p99 ${latency.p99Ms.toFixed(0)} ms (${latency.stored}/${latency.sent} stored; ingest → stored median ${latency.storeMedianMs.toFixed(0)} ms) | — |`);
  console.log(JSON.stringify({ memory, ingest, serving, latency }, null, 2));
}

/** A gateway on a fresh SQLite file with the bench number, known to the simulator with webhooks to it. */
async function startGateway(name: string, env: Record<string, string> = {}) {
  const gatewayEnv = { DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`, SWITCHBOARD_SECRET: 'bench-secret-0123456789abcdefghijklmnop' };
  const created = JSON.parse(await runCli(['projects', 'create', '--name', `media-bench-${name}`, '--json'], gatewayEnv)) as { project: { id: string }; api_key: string };
  await runCli(['numbers', 'add', '--project', created.project.id, '--phone-number-id', NUMBER.id, '--display-phone-number', NUMBER.display,
    '--waba-id', NUMBER.waba, '--access-token', NUMBER.token, '--app-secret', NUMBER.secret, '--verify-token', 'bench-verify', '--json'], gatewayEnv);
  Object.assign(process.env, env);
  // BENCH_CPU_PROF=<dir> writes the gateway's CPU profile there (summarise with bench/profile-summary.ts).
  const server = await startServer(gatewayEnv, { cpuProfileDir: process.env.BENCH_CPU_PROF ?? null, label: `media-${name}` });
  await post(`${simulatorUrl}/_simulator/numbers`, {
    phone_number_id: NUMBER.id, display_phone_number: NUMBER.display, waba_id: NUMBER.waba, access_token: NUMBER.token, app_secret: NUMBER.secret,
    webhook_url: `${server.baseUrl}/webhooks/whatsapp`,
  });
  return { server, apiKey: created.api_key, dbFile: join(dir, `${name}.db`) };
}

/** (b) Text rounds and media rounds, alternating, in one gateway whose downloads stay queued. */
async function benchIngest() {
  const { server } = await startGateway('ingest', { EMBEDDED_WORKER: 'false' });
  const requests = (kind: 'text' | 'media'): Request[] => [
    {
      method: 'POST',
      path: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => {
        const c = Math.floor(Math.random() * CUSTOMERS);
        const waId = customerWaId(c);
        const n = Math.floor(Math.random() * 1_000);
        const message = kind === 'text' ? textMessage(waId, randomWamid(), Math.floor(Date.now() / 1000), n) : imageMessage(waId, n);
        const body = webhookBody({ phoneNumberId: NUMBER.id, displayPhoneNumber: NUMBER.display, wabaId: NUMBER.waba }, { waId, name: customerName(c) }, [message as never]);
        return { ...req, body, headers: { ...req.headers, 'x-hub-signature-256': signPayload(body, NUMBER.secret) } };
      },
    },
  ];
  const round = async (kind: 'text' | 'media', seconds: number) => {
    const r = await autocannon({ url: server.baseUrl, connections: 50, duration: seconds, requests: requests(kind) });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${kind} ingest: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return r.requests.average;
  };
  try {
    // Warm-up of both kinds: the first rounds of a fresh store run fast, whichever kind they are.
    await round('text', 5);
    await round('media', 5);
    const text: number[] = [];
    const media: number[] = [];
    // text, media, media, text twice: the store grows through the run, which an ABBA order cancels.
    for (let pass = 0; pass < 2; pass++) {
      text.push(await round('text', 8));
      media.push(await round('media', 8));
      media.push(await round('media', 8));
      text.push(await round('text', 8));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { text: mean(text), media: mean(media), ratio: mean(media) / mean(text), rounds: { text, media } };
  } finally {
    await server.stop();
    delete process.env.EMBEDDED_WORKER;
  }
}

/** Meta's inbound image with a caption as long as the text messages' bodies, so both payloads weigh the same. */
function imageMessage(waId: string, n: number) {
  return {
    from: waId,
    id: randomWamid(),
    timestamp: String(Math.floor(Date.now() / 1000)),
    type: 'image',
    image: { caption: textBody(n).slice(0, 380), mime_type: 'image/jpeg', sha256: randomBytes(32).toString('base64'), id: String(1_000_000_000_000_000 + n) },
  };
}

/** (a), (c), (d) through one gateway that downloads as it would in production. */
async function benchDownloads() {
  const gateway = await startGateway('media');
  const db = new SQLite(gateway.dbFile, { readonly: true });
  try {
    const small = await upload(jpeg(50_000), 'image/jpeg', 'warm.jpg');
    await served(gateway, await storedUrl(gateway, inject('image', { id: small }).then((r) => r.id)));
    const memory = await benchMemory(gateway);
    const serving = await benchServing(gateway);
    const latency = await benchLatency(db);
    return { memory, serving, latency };
  } finally {
    db.close();
    await gateway.server.stop();
  }
}

async function benchMemory(gateway: { server: ServerProcess; apiKey: string }) {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(100 * MB - 9)]);
  const mediaId = await upload(pdf, 'application/pdf', 'big.pdf');
  await sleep(1_000);
  const beforeMb = gateway.server.rssMb();
  let peak = beforeMb;
  const timer = setInterval(() => (peak = Math.max(peak, gateway.server.rssMb())), 10);
  try {
    const url = await storedUrl(gateway, inject('document', { id: mediaId, filename: 'big.pdf' }).then((r) => r.id), 120_000);
    const downloadPeak = peak;
    const bytes = await served(gateway, url);
    if (bytes !== pdf.length) throw new Error(`served ${bytes} of ${pdf.length} bytes`);
    return { beforeMb, downloadGrowthMb: downloadPeak - beforeMb, servingGrowthMb: peak - beforeMb, growthMb: peak - beforeMb };
  } finally {
    clearInterval(timer);
  }
}

async function benchServing(gateway: { server: ServerProcess; apiKey: string }) {
  const image = jpeg(MB);
  const mediaId = await upload(image, 'image/jpeg', 'one-mb.jpg');
  const url = new URL(await storedUrl(gateway, inject('image', { id: mediaId }).then((r) => r.id)));
  const r = await autocannon({ url: gateway.server.baseUrl, connections: 10, duration: 10, requests: [{ method: 'GET', path: `${url.pathname}${url.search}` }] });
  // The file as the file store keeps it (the gateway's data folder is the database's).
  const hex = createHash('sha256').update(image).digest('hex');
  const file = join(dir, 'media', 'sha256', hex.slice(0, 2), hex);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const bare = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': ${image.length} }); require('node:fs').createReadStream(${JSON.stringify(file)}).pipe(s); }).listen(${port}, '127.0.0.1')`], { stdio: 'inherit' });
  try {
    await sleep(500);
    const b = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 10, duration: 10 });
    return { perSecond: r.requests.average, mbPerSecond: r.throughput.average / MB, p99: r.latency.p99, non2xx: r.non2xx, barePerSecond: b.requests.average, ratio: r.requests.average / b.requests.average };
  } finally {
    bare.kill('SIGTERM');
  }
}

async function benchLatency(db: SQLite.Database) {
  const mediaId = await upload(jpeg(100 * 1024), 'image/jpeg', 'photo.jpg');
  const sentAt = new Map<string, number>();
  const t0 = Date.now();
  const injections: Promise<void>[] = [];
  for (let i = 0; i < 500; i++) {
    const wait = t0 + i * 20 - Date.now();
    if (wait > 0) await sleep(wait);
    const at = Date.now();
    injections.push(inject('image', { id: mediaId }, customerWaId(i % 100)).then(({ id }) => void sentAt.set(id, at)));
  }
  await Promise.all(injections);
  const rows = () => db.prepare(`select message_id, created_at, stored_at from media where state = 'stored' and message_id in (${[...sentAt.keys()].map(() => '?').join(',')})`).all(...sentAt.keys()) as Array<{ message_id: string; created_at: number; stored_at: number }>;
  const deadline = Date.now() + 60_000;
  while (rows().length < sentAt.size && Date.now() < deadline) await sleep(100);
  const stored = rows();
  const latencies = stored.map((r) => r.stored_at - (sentAt.get(r.message_id) ?? Number.NaN)).sort((a, b) => a - b);
  const storeTimes = stored.map((r) => r.stored_at - r.created_at).sort((a, b) => a - b);
  return { sent: sentAt.size, stored: stored.length, medianMs: percentile(latencies, 50), p99Ms: percentile(latencies, 99), storeMedianMs: percentile(storeTimes, 50) };
}

/** Uploads a file to the simulator as the number; returns its media id. */
async function upload(bytes: Buffer, type: string, filename: string): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', type);
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  const res = await fetch(`${simulatorUrl}/v24.0/${NUMBER.id}/media`, { method: 'POST', headers: { authorization: `Bearer ${NUMBER.token}` }, body: form });
  if (!res.ok) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Has the simulator send a customer's media message to the gateway now. */
async function inject(type: string, content: Record<string, unknown>, from = '14155550123'): Promise<{ id: string }> {
  const res = await fetch(`${simulatorUrl}/_simulator/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: NUMBER.id, from, message: { type, [type]: content } }),
  });
  if (!res.ok) throw new Error(`inject: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** Polls GET by id until the message's file is stored; returns its media_url. */
async function storedUrl(gateway: { server: ServerProcess; apiKey: string }, wamid: Promise<string>, timeoutMs = 30_000): Promise<string> {
  const id = await wamid;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${gateway.server.baseUrl}/v24.0/${NUMBER.id}/messages/${encodeURIComponent(id)}?fields=kapso(media_url,message_type_data)`, { headers: { 'x-api-key': gateway.apiKey } });
    const body = res.ok ? ((await res.json()) as { kapso: { media_url?: string; message_type_data?: { media_status?: string; media_error?: string } } }) : undefined;
    if (body?.kapso.media_url) return body.kapso.media_url;
    if (body?.kapso.message_type_data?.media_status === 'failed') throw new Error(`download failed: ${body.kapso.message_type_data.media_error}`);
    await sleep(25);
  }
  throw new Error(`media of ${id} not stored in ${timeoutMs / 1000} s`);
}

/** Fetches a media_url from the gateway as a browser would, reading and dropping the bytes; returns how many. */
async function served(gateway: { server: ServerProcess }, url: string): Promise<number> {
  const { pathname, search } = new URL(url);
  const res = await fetch(`${gateway.server.baseUrl}${pathname}${search}`);
  if (!res.ok || !res.body) throw new Error(`media_url answered ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Uint8Array).length;
  return bytes;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function post(url: string, payload: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}
