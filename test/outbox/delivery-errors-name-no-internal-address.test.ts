import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebhookSender } from '../../src/outbox/deliver.ts';

/**
 * What a failed attempt stores in the delivery log (which the project reads through
 * the API) says why in the gateway's own words, never the host's internal address or the name it
 * resolved: a project must not map the gateway's network through its webhook URLs.
 */
describe('delivery errors in the log', () => {
  const strict = new WebhookSender({ timeoutMs: 2_000, allowPrivate: false });
  const relaxed = new WebhookSender({ timeoutMs: 2_000, allowPrivate: true });
  afterAll(async () => {
    await strict.close();
    await relaxed.close();
  });
  const post = (sender: WebhookSender, url: string) => sender.post(url, '{}', { 'content-type': 'application/json' }, Date.now);

  it.each([
    ['a name that resolves to loopback', 'http://localhost:9/hook', ['localhost', '127.0.0.1', '::1']],
    ['a loopback literal', 'http://127.0.0.1:9/hook', ['127.0.0.1']],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', ['169.254']],
    ['a private network literal', 'http://10.20.30.40/hook', ['10.20.30.40']],
    ['a NAT64 literal', 'http://[64:ff9b::a00:1]/hook', ['64:ff9b', 'a00:1']],
  ])('says only "blocked address" for %s', async (_name, url, hidden) => {
    const result = await post(strict, url);
    expect(result).toMatchObject({ ok: false, errorClass: 'blocked_address', errorMessage: 'blocked address' });
    for (const text of hidden) expect(result.errorMessage).not.toContain(text);
  });

  it('names the error code, not the address, when a connection fails', async () => {
    // A port that was just free: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await post(relaxed, `http://127.0.0.1:${port}/hook`);
    expect(result).toMatchObject({ ok: false, errorClass: 'connection', errorMessage: 'connection refused (ECONNREFUSED)' });
  });

  it('keeps the reason of a URL refused for its form, which names no address', async () => {
    expect(await post(strict, 'ftp://hooks.example.test/x')).toMatchObject({ ok: false, errorClass: 'invalid_url', errorMessage: 'url must use https (or http)' });
  });
});
