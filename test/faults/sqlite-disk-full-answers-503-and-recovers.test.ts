import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { closeDeps, createDeps, createLogger } from '../../src/create-deps.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook, type TestNumber, type TestProject } from '../helpers/factories.ts';
import { createTestClock, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const ENVELOPE_503 = {
  error: {
    message: '(#2) Service temporarily unavailable',
    type: 'OAuthException',
    code: 2,
    error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('store') },
    fbtrace_id: expect.any(String),
  },
};

/** Mounts a tmpfs of `size` on a new folder; a run that may not mount fails, it does not skip. */
function mountSmallDisk(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    throw new Error(`the disk-full test mounts a ${size} tmpfs and could not ("mount -t tmpfs" needs root or CAP_SYS_ADMIN): ${String(err)}`);
  }
  return dir;
}

/** Writes zeros to `file` until the disk refuses more. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

/**
 * The data folder's disk full under a serving gateway (background checkpoints on, as `serve`
 * runs): ingest answers 503 in Meta's envelope (Meta retries), never 500; the database file stays
 * sound and keeps everything acknowledged; once space returns, the next webhook is stored.
 */
describe.skipIf(!dialects.includes('sqlite'))('SQLite disk full (sqlite)', () => {
  let dir: string;
  let file: string;
  let gw: TestGateway;
  beforeAll(async () => {
    dir = mountSmallDisk('16m');
    file = join(dir, 'switchboard.db');
    const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'silent' });
    const clock = createTestClock();
    const deps = createDeps(config, { clock, log: createLogger('silent'), backgroundCheckpoints: true });
    await migrateToLatest(deps.database);
    const app = await buildApp(deps);
    await app.ready();
    gw = { app, deps, clock, dialect: 'sqlite', close: async () => (await app.close(), await closeDeps(deps)) };
  });
  afterAll(async () => {
    await gw?.close();
    if (dir) {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const send = (t: TestProject & TestNumber, wamid: string) =>
    postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(wamid, `${wamid} `.repeat(200))]), t.appSecret);

  it('answers 503 while full, keeps the file sound, and stores again once space returns', async () => {
    const t = await newTenant(gw);
    const acknowledged: string[] = [];
    for (let i = 0; i < 10; i++) {
      expect((await send(t, `wamid.PRE${i}`)).statusCode).toBe(200);
      acknowledged.push(`wamid.PRE${i}`);
    }
    const filler = join(dir, 'filler');
    fillDisk(filler);

    // What space the WAL already holds is used first; past it, every write is refused.
    let refused = 0;
    for (let i = 0; i < 2_000 && refused < 5; i++) {
      const answer = await send(t, `wamid.FULL${i}`);
      if (answer.statusCode === 200) acknowledged.push(`wamid.FULL${i}`);
      else {
        expect(answer.statusCode, answer.body).toBe(503);
        expect(answer.json()).toEqual(ENVELOPE_503);
        expect(answer.headers['retry-after']).toBeDefined();
        refused++;
      }
    }
    expect(refused).toBe(5);
    // Reads need no space.
    expect((await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.PRE0')).statusCode).toBe(200);

    rmSync(filler);
    expect((await send(t, 'wamid.AFTER')).statusCode).toBe(200);
    acknowledged.push('wamid.AFTER');

    const check = new SQLite(file, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set(check.prepare('SELECT id FROM messages WHERE phone_number_id = ?').pluck().all(t.phoneNumberId) as string[]);
      expect(acknowledged.filter((w) => !stored.has(w))).toEqual([]);
    } finally {
      check.close();
    }
  });

  it('answers 503 when another process holds the write lock past the busy timeout', async () => {
    const t = await newTenant(gw);
    const other = new SQLite(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const answer = await send(t, 'wamid.BUSY');
      expect(answer.statusCode, answer.body).toBe(503);
      expect(answer.json()).toEqual(ENVELOPE_503);
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect((await send(t, 'wamid.BUSY')).statusCode).toBe(200);
  });
});
