import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { closeDeps, createDeps, createLogger } from '../../src/create-deps.ts';
import { secretSlots } from '../../src/crypto/secrets.ts';
import { BIN, runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

describe.each(dialects)('switchboard numbers add, secrets off the command line (%s)', { timeout: 90_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'cli-secrets'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn' };

  async function storedSecrets(pnid: string) {
    const deps = createDeps(loadConfig(env), { log: createLogger('silent') });
    try {
      const row = await deps.database.db.selectFrom('phone_numbers').selectAll().where('id', '=', pnid).executeTakeFirstOrThrow();
      return { accessToken: deps.cipher.decrypt(row.access_token_enc, secretSlots.accessToken(pnid)), appSecret: deps.cipher.decrypt(row.app_secret_enc, secretSlots.appSecret(pnid)) };
    } finally {
      await closeDeps(deps);
    }
  }

  it('reads the access token from standard input and the app secret from a file', async () => {
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'secrets'], env);
    const file = join(mkdtempSync(join(tmpdir(), 'sb-app-secret-')), 'app-secret');
    writeFileSync(file, 'app-secret-from-file\n', { mode: 0o600 });
    const pnid = `8${Date.now()}`;
    const args = ['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550102030', '--waba-id', '109876543210987', '--access-token-file', '-', '--app-secret-file', file, '--verify-token', `v${pnid}`, '--json'];
    const r = spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, input: 'EAAG-token-from-stdin\n', encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ phone_number: { id: pnid } });
    expect(await storedSecrets(pnid)).toEqual({ accessToken: 'EAAG-token-from-stdin', appSecret: 'app-secret-from-file' });
  });

  it.each([
    [['--access-token', 't', '--access-token-file', '/dev/null', '--app-secret', 's'], 'give --access-token or --access-token-file, not both'],
    [['--app-secret', 's'], '--access-token or --access-token-file is required'],
    [['--access-token', 't', '--app-secret-file', '/nonexistent/secret'], 'cannot read --app-secret-file /nonexistent/secret: ENOENT'],
    [['--access-token-file', '-', '--app-secret-file', '-'], 'only one of --access-token-file and --app-secret-file can be - (standard input)'],
  ])('refuses %j with one line', (secretArgs, message) => {
    const r = runCli(['numbers', 'add', '--project', 'p', '--phone-number-id', '1', '--display-phone-number', '+15550102040', '--waba-id', '109876543210987', '--verify-token', 'v', ...secretArgs], env);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`switchboard: ${message}`);
  });
});
