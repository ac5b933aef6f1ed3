import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../src/blobs/file-blob-store.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { signPayload } from '../../src/ingest/signature.ts';
import { insertMediaJob, markMediaStored } from '../../src/media/store.ts';
import { runCliAsync, runCliJson, startServe } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

type Served = Awaited<ReturnType<typeof startServe>>;

const SECRET = 'test-secret-do-not-use-0123456789abcdefghijklmnop';
const APP_SECRET = 'backup-app-secret';

/**
 * `switchboard backup` copies the store while `serve` keeps acknowledging Meta's webhooks, and
 * `switchboard restore` brings back every message acknowledged before the backup started
 * (docs/operations.md "Backups"). The store is padded past one backup step (4 MB), so the copy
 * takes several steps with commits landing between them.
 */
describe.runIf(dialects.includes('sqlite'))('a backup taken under ingest restores every acknowledged message (sqlite)', { timeout: 120_000 }, () => {
  let root: string;
  let served: Served | undefined;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sb-backup-'));
  });
  afterEach(() => {
    if (served?.child.exitCode === null) served.child.kill('SIGKILL');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('restores every message answered 200 before the backup began, its media file, and a sound store', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const file = join(dataDir, 'switchboard.db');
    // META_GRAPH_URL on a closed loopback port: nothing here may reach out.
    const env = { DATABASE_URL: `sqlite:${file}`, SWITCHBOARD_SECRET: SECRET, SANDBOX: 'false', META_GRAPH_URL: 'http://127.0.0.1:9' };
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'backup'], env);
    const pnid = `7${Date.now()}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550100400', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', APP_SECRET, '--verify-token', `v${pnid}`], env);
    padStore(file, 24 * 1024 * 1024);
    const media = await storeMediaFile(env.DATABASE_URL, join(dataDir, 'media'), project.id, pnid);

    served = await startServe(env);
    const base = served.base;
    const acknowledged: Array<{ wamid: string; atMs: number }> = [];
    let stop = false;
    let sent = 0;
    const poster = async (lane: number) => {
      while (!stop) {
        const wamid = `wamid.BACKUP.${lane}.${sent++}`;
        const body = messagesWebhook(pnid, [textMessage(wamid, `hello ${wamid}`)]);
        const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, APP_SECRET) }, body });
        if (res.status === 200) acknowledged.push({ wamid, atMs: Date.now() });
        await res.arrayBuffer();
      }
    };
    const lanes = [1, 2, 3, 4].map(poster);
    while (acknowledged.length < 100) await new Promise((r) => setTimeout(r, 20));

    const backupFile = join(root, 'backup.db');
    const startedMs = Date.now();
    const ackedBefore = acknowledged.map((a) => a.wamid);
    const backup = await runCliAsync(['backup', '--to', backupFile, '--json'], env);
    const endedMs = Date.now();
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(lanes);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);

    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    const summary = JSON.parse(backup.stdout) as { messages: number; pages: number; bytes: number; media: { kind: string; folder: string; files: number } };
    // The gateway kept acknowledging while the copy ran: the copy did not hold up the writer.
    expect(acknowledged.filter((a) => a.atMs > startedMs && a.atMs < endedMs).length).toBeGreaterThan(0);
    expect(summary.messages).toBeGreaterThanOrEqual(ackedBefore.length);
    expect(summary.bytes).toBeGreaterThan(24 * 1024 * 1024);
    expect(summary.media).toMatchObject({ kind: 'file', folder: `${backupFile}.media`, files: 1 });

    const restoredDir = join(root, 'restored');
    const restoredEnv = { ...env, DATABASE_URL: `sqlite:${join(restoredDir, 'switchboard.db')}` };
    const restored = runCliJson<{ messages: number; migrationsApplied: string[]; media: { kind: string; copied: number } }>(['restore', '--from', backupFile], restoredEnv);
    expect(restored.messages).toBe(summary.messages);
    expect(restored.migrationsApplied).toEqual([]);
    expect(restored.media).toMatchObject({ kind: 'file', copied: 1 });

    const db = new SQLite(join(restoredDir, 'switchboard.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const present = new Set(db.prepare('select id from messages where phone_number_id = ?').pluck().all(pnid) as string[]);
      expect(ackedBefore.filter((wamid) => !present.has(wamid))).toEqual([]);
      expect(present.size).toBe(summary.messages);
    } finally {
      db.close();
    }
    expect(readFileSync(join(restoredDir, 'media', media.key))).toEqual(media.bytes);
  });
});

/** Grows the store past several backup steps with a table of its own (the gateway never reads it). */
function padStore(file: string, bytes: number): void {
  const db = new SQLite(file);
  try {
    db.exec('create table test_padding (bytes blob)');
    const insert = db.prepare('insert into test_padding (bytes) values (?)');
    db.transaction(() => {
      for (let written = 0; written < bytes; written += 64 * 1024) insert.run(randomBytes(64 * 1024));
    })();
  } finally {
    db.close();
  }
}

/** A media file kept the way the media worker keeps one: the blob in the file store, then its row, stored. */
async function storeMediaFile(url: string, mediaRoot: string, projectId: string, pnid: string): Promise<{ key: string; bytes: Buffer }> {
  const bytes = randomBytes(50_000);
  const blob = await new FileBlobStore(mediaRoot).put(Readable.from([bytes]));
  const database = connectDatabase(url);
  try {
    await database.db.transaction().execute(async (trx) => {
      const id = await insertMediaJob(trx, { projectId, phoneNumberId: pnid, messageId: null, metaMediaId: null, direction: 'outbound', mimeType: 'application/octet-stream', filename: 'backup.bin' }, Date.now());
      if (id === undefined) throw new Error('no media row');
      await markMediaStored(trx, id, { storageKey: blob.key, sha256: blob.sha256, byteSize: blob.byteSize, contentType: 'application/octet-stream' }, Date.now());
    });
  } finally {
    await database.close();
  }
  return { key: blob.key, bytes };
}
