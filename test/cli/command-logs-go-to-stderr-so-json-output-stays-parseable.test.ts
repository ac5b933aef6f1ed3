import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { sealLegacy } from '../helpers/legacy-seal.ts';

/**
 * A one-shot command's stdout is its own output (one JSON object with --json, for scripts); its
 * log lines, at whatever LOG_LEVEL, go to stderr. The servers (`serve`, `worker`) log to stdout.
 */
describe('one-shot commands log to stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const secret = 'test-secret-do-not-use-0123456789abcdefghijklmnop';
  const env = { DATABASE_URL: `sqlite:${join(dir, 'store.db')}`, SWITCHBOARD_SECRET: secret, META_GRAPH_URL: 'http://127.0.0.1:9' };

  it('keeps --json output a single JSON line while the command logs at info', () => {
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'logs'], env);
    runCli(['numbers', 'add', '--project', project.id, '--phone-number-id', '5550001', '--display-phone-number', '15550001', '--waba-id', '1098765', '--access-token', 't', '--app-secret', 's', '--verify-token', 'v', '--json'], env);
    // A secret in the first format makes the next command re-seal it, and say so at info.
    const db = new SQLite(join(dir, 'store.db'));
    db.prepare('update phone_numbers set access_token_enc = ? where id = ?').run(sealLegacy(secret, 'EAAG-old'), '5550001');
    db.close();

    const r = runCli(['numbers', 'list', '--project', project.id, '--json'], { ...env, LOG_LEVEL: 'info' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({ phone_numbers: [expect.objectContaining({ id: '5550001' })] });
    const logged = r.stderr.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(logged).toContainEqual(expect.objectContaining({ level: 30, msg: 'secrets at rest re-sealed in the current format' }));
  });
});
