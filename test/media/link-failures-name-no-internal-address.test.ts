import { afterAll, describe, expect, it } from 'vitest';
import { LinkFetcher } from '../../src/media/fetch-link.ts';
import { newStore } from './helpers.ts';

/**
 * A sent media link the address policy refuses fails with a reason API clients
 * read (`media_error`, the metadata route): it says "blocked address", never the host's internal
 * address or what a name resolved to.
 */
describe('media link failures', () => {
  const fetcher = new LinkFetcher({ timeoutMs: 5_000, allowPrivate: false });
  const { store } = newStore('file', undefined);
  afterAll(() => fetcher.close());

  it.each([
    ['a name that resolves to loopback', 'http://localhost:9/photo.jpg'],
    ['a loopback literal', 'http://127.0.0.1:9/photo.jpg'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a private network literal', 'http://10.1.2.3/photo.jpg'],
    ['a 6to4 literal', 'http://[2002:a01:203::1]/photo.jpg'],
  ])('says only "blocked address" for %s', async (_name, link) => {
    expect(await fetcher.fetch(link, 'image', store)).toEqual({ ok: false, transient: false, reason: 'link refused: blocked address' });
  });
});
