import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { closeDeps, createDeps, redactPaths } from '../../src/create-deps.ts';
import type { Deps } from '../../src/deps.ts';
import { loggableUrl } from '../../src/http/log-url.ts';
import { databaseUrlFor } from '../helpers/dialects.ts';

/**
 * `hub.verify_token` (Meta's verification handshake) and the signatures of media URLs are
 * credentials: request log lines never carry them. They log the path of those routes only,
 * and redact secret parameters elsewhere.
 */
describe('loggableUrl', () => {
  it.each([
    ['/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=SECRET&hub.challenge=1', '/webhooks/whatsapp'],
    ['/media/0193abcd?expires=1767272400&signature=SIG', '/media/0193abcd'],
    ['/meta/whatsapp/media_download?token=TOKEN', '/meta/whatsapp/media_download'],
    ['/v24.0/123/settings?access_token=SECRET&fields=id', '/v24.0/123/settings?access_token=[redacted]&fields=id'],
    ['/v24.0/123?access%5Ftoken=SECRET', '/v24.0/123?access%5Ftoken=[redacted]'],
    ['/v24.0/123/messages?limit=10&after=abc', '/v24.0/123/messages?limit=10&after=abc'],
    ['/v24.0/123?%zz=1&token=T', '/v24.0/123?%zz=1&token=[redacted]'],
    ['/healthz', '/healthz'],
    ['/inbox/sign-in/TOKEN43characterslong', '/inbox/sign-in/[redacted]'],
    ['/inbox/%73ign-in/TOKEN43characterslong', '/inbox/sign-in/[redacted]'],
    ['/INBOX/Sign-In/TOKEN43characterslong', '/inbox/sign-in/[redacted]'],
    ['//inbox//sign-in/TOKEN43characterslong?x=1', '/inbox/sign-in/[redacted]'],
    ['/inbox/sign-in%2FTOKEN43characterslong', '/inbox/sign-in/[redacted]'],
  ])('logs %s as %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });
});

describe('request log lines', () => {
  const lines: string[] = [];
  let deps: Deps;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: databaseUrlFor('sqlite', 'logs'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'info' });
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ level: 'info', redact: { paths: redactPaths, censor: '[redacted]' } }, stream);
    deps = createDeps(config, { log });
    await migrateToLatest(deps.database);
    app = await buildApp(deps);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await closeDeps(deps);
  });

  it('carry the path of the verification handshake and of signed media URLs, not their secrets', async () => {
    await app.inject({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=VERIFY-SECRET&hub.challenge=42' });
    await app.inject({ method: 'GET', url: '/media/0193abcd-0000-7000-8000-000000000000?expires=1767272400&signature=SIGNATURE-SECRET' });
    await app.inject({ method: 'GET', url: '/v24.0/123456789/settings?access_token=TOKEN-SECRET', headers: { 'x-api-key': 'sk_nope' } });
    const log = lines.join('');
    for (const secret of ['VERIFY-SECRET', 'SIGNATURE-SECRET', 'TOKEN-SECRET', 'sk_nope']) expect(log).not.toContain(secret);
    const urls = lines.map((l) => JSON.parse(l) as { msg?: string; url?: string }).filter((l) => l.msg === 'request').map((l) => l.url);
    expect(urls).toEqual(['/webhooks/whatsapp', '/media/0193abcd-0000-7000-8000-000000000000', '/v24.0/123456789/settings?access_token=[redacted]']);
  });

  it('serialise a logged request without its query secrets', () => {
    lines.length = 0;
    const fake = { method: 'GET', url: '/media/x?expires=1&signature=SIG-IN-REQ', host: 'gw', ip: '127.0.0.1' };
    app.log.info({ req: fake }, 'with a request');
    expect(lines.join('')).not.toContain('SIG-IN-REQ');
    expect(JSON.parse(lines[0] ?? '{}').req).toMatchObject({ method: 'GET', url: '/media/x' });
  });
});
