import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/simulator/index.ts';
import { runCliJson, runCliJsonAsync, startServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { postUpload, StreamedUpload } from '../helpers/streamed-upload.ts';

const MB = 1024 * 1024;
/** Meta's largest media (documents): the most an upload's file may hold. */
const MAX_FILE_BYTES = 100 * MB;

/** The most the process's resident memory ever reached, in bytes (`VmHWM`, /proc/<pid>/status). */
function peakRssBytes(pid: number): number {
  const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line?.[1]) throw new Error('no VmHWM');
  return Number(line[1]) * 1024;
}

/** Polls until `check` holds (a condition, not a timing: the bound only ends a broken run). */
async function until(check: () => boolean, what: string, boundMs = 20_000): Promise<void> {
  for (const start = Date.now(); !check(); ) {
    if (Date.now() - start > boundMs) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `serve` streams a media upload: the file goes to a temporary file (0600) in the data folder,
 * from there to Meta and into the media store, and never whole into the process's memory; the
 * temporary file is gone whatever happens (answered, refused over the limit, client gone).
 */
describe.each(dialects)('media uploads through `serve` stream (%s)', { timeout: 240_000 }, (dialect) => {
  let sim: Simulator;
  let dir: string;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let apiKey: string;
  let pnid: string;
  let uploadsDir: string;
  const uploadUrl = () => `${serve.base}/v24.0/${pnid}/media`;
  const leftovers = () => {
    try {
      return readdirSync(uploadsDir);
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    sim = await buildSimulator({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
    const simulatorUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
    dir = mkdtempSync(join(tmpdir(), 'switchboard-upload-'));
    // SQLite keeps its data folder beside the database; PostgreSQL's is ./data of the working directory.
    const databaseUrl = dialect === 'sqlite' ? `sqlite:${dir}/switchboard.db` : isolatedDatabaseUrlFor(dialect, 'upload');
    uploadsDir = dialect === 'sqlite' ? join(dir, 'uploads') : join(dir, 'data', 'uploads');
    const env = {
      DATABASE_URL: databaseUrl,
      SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop',
      SANDBOX: 'false',
      EMBEDDED_WORKER: 'false',
      META_GRAPH_URL: simulatorUrl,
    };
    const created = runCliJson<{ project: { id: string }; api_key: string }>(['projects', 'create', '--name', 'uploads'], env, dir);
    apiKey = created.api_key;
    pnid = `7${Date.now()}`;
    const number = { phone_number_id: pnid, display_phone_number: '+15550100777', waba_id: '109876543210777', access_token: 'upload-token', app_secret: 'upload-secret' };
    sim.registerNumber(number);
    // Async: `numbers add` reads the number's messaging limit from Meta, the simulator in this process.
    await runCliJsonAsync(['numbers', 'add', '--project', created.project.id, '--phone-number-id', pnid, '--display-phone-number', number.display_phone_number, '--waba-id', number.waba_id, '--access-token', number.access_token, '--app-secret', number.app_secret, '--verify-token', `v${pnid}`], env, dir);
    serve = await startServe(env, dir);
  });
  afterAll(async () => {
    if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes an 80 MB upload without the process growing by anything like the file', async () => {
    const pid = serve.child.pid as number;
    // Uploads first, so the baseline holds what a first few requests settle once (code loaded on
    // first use, the JavaScript heap grown to its working size): measured, about 40 MB.
    for (const size of [MB, 16 * MB]) expect((await postUpload(uploadUrl(), apiKey, new StreamedUpload(size)).answer).status).toBe(200);
    const before = peakRssBytes(pid);

    const upload = new StreamedUpload(80 * MB);
    const res = await postUpload(uploadUrl(), apiKey, upload).answer;
    const after = peakRssBytes(pid);

    expect(res.status, res.body).toBe(200);
    const mediaId = JSON.parse(res.body).id as string;
    // Meta got the file whole, byte for byte.
    const atMeta = sim.state.media.get(mediaId);
    expect(atMeta?.data.length).toBe(80 * MB);
    expect(createHash('sha256').update(atMeta?.data ?? Buffer.alloc(0)).digest('hex')).toBe(upload.sha256());
    // The gateway kept its copy of the same bytes.
    const meta = await (await fetch(`${serve.base}/v24.0/${mediaId}?phone_number_id=${pnid}`, { headers: { 'x-api-key': apiKey } })).json();
    expect(meta).toMatchObject({ id: mediaId, sha256: upload.sha256(), file_size: String(80 * MB), mime_type: 'application/pdf' });
    expect(leftovers()).toEqual([]);
    const growth = `peak RSS ${(before / MB).toFixed(1)} MB before, ${(after / MB).toFixed(1)} MB after`;
    if (process.env.UPLOAD_MEMORY_REPORT) process.stderr.write(`${dialect}: ${growth}\n`);
    expect(after - before, growth).toBeLessThan(40 * MB);
  });

  it('answers 413 in the envelope as soon as the file passes 100 MB, and leaves no temporary file', async () => {
    const upload = new StreamedUpload(MAX_FILE_BYTES + MB);
    // The body stops just past the limit and stays open: an answer proves the rest was not awaited.
    const sending = postUpload(uploadUrl(), apiKey, upload, { stopAfterFileBytes: MAX_FILE_BYTES + 256 * 1024 });
    const res = await sending.answer;
    sending.abort();
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 100,
      type: 'OAuthException',
      error_data: { details: expect.stringContaining(String(MAX_FILE_BYTES)) },
      fbtrace_id: expect.any(String),
    });
    expect(leftovers()).toEqual([]);
  });

  it("passes Meta's refusal through and leaves no temporary file", async () => {
    const res = await postUpload(uploadUrl(), apiKey, new StreamedUpload(2 * MB, 'image/gif', 'moving.gif')).answer;
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining("Received file of type 'image/gif'") } });
    expect(leftovers()).toEqual([]);
  });

  it('removes the temporary file (created 0600) when the client drops mid-upload, and keeps serving', async () => {
    const sending = postUpload(uploadUrl(), apiKey, new StreamedUpload(30 * MB), { stopAfterFileBytes: 10 * MB });
    sending.answer.catch(() => undefined);
    await until(() => leftovers().length > 0, 'the upload reached a temporary file');
    const [spooled] = leftovers();
    expect(statSync(join(uploadsDir, spooled as string)).mode & 0o777).toBe(0o600);
    sending.abort();
    await until(() => leftovers().length === 0, 'the temporary file was removed');

    const next = await postUpload(uploadUrl(), apiKey, new StreamedUpload(MB)).answer;
    expect(next.status).toBe(200);
    expect(serve.child.exitCode).toBeNull();
  });
});
