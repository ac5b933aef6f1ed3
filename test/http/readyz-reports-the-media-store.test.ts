import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../src/blobs/file-blob-store.ts';
import { S3BlobStore } from '../../src/blobs/s3-blob-store.ts';
import { freePort } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { newStore, startS3, storeKinds, type TestS3 } from '../media/helpers.ts';

const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * `/readyz` checks the media store beside the database: the folder exists (or can be made) and is
 * writable; the bucket answers a HEAD. A store that cannot keep files makes the process not ready.
 */
describe.each(dialects)('/readyz and the media store (%s)', (dialect) => {
  let s3: TestS3 | undefined;
  let gw: TestGateway | null = null;
  beforeAll(async () => {
    if (storeKinds.includes('s3')) s3 = await startS3();
  });
  afterAll(() => s3?.close());
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });

  it.each(storeKinds)('answers 200 with media_store ok while the %s store can keep files', async (kind) => {
    gw = await startGateway(dialect, {}, { blobs: newStore(kind, s3).store });
    const res = await gw.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', dialect, checks: { database: 'ok', media_store: 'ok' } });
  });

  it('counts a media folder not made yet as ok when it can be made', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'switchboard-media-')), 'not', 'yet');
    gw = await startGateway(dialect, { MEDIA_STORE: `file:${root}` });
    const res = await gw.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.json()).toMatchObject({ status: 'ready', checks: { media_store: 'ok' } });
  });

  it('answers 503 naming the media store when its folder is a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchboard-media-')), 'media');
    writeFileSync(file, 'not a folder');
    gw = await startGateway(dialect, { MEDIA_STORE: `file:${file}` });
    const res = await gw.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({
      status: 'unavailable',
      checks: { database: 'ok', media_store: 'not a folder' },
      error: { code: 2, type: 'OAuthException', error_data: { details: 'Not ready: media_store not a folder.' } },
    });
    // The answer names no path: /readyz is served without a key.
    expect(res.body).not.toContain(file);
  });

  it.runIf(storeKinds.includes('s3'))('answers 503 when the bucket does not exist or the endpoint does not answer', async () => {
    const missing = new S3BlobStore({ bucket: 'no-such-bucket', prefix: '', endpoint: s3!.endpoint, region: 'us-east-1', credentials: S3_CREDENTIALS });
    gw = await startGateway(dialect, {}, { blobs: missing });
    let res = await gw.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', checks: { database: 'ok', media_store: 'bucket not found' } });
    await gw.close();
    const down = new S3BlobStore({ bucket: 'media', prefix: '', endpoint: `http://127.0.0.1:${await freePort()}`, region: 'us-east-1', credentials: S3_CREDENTIALS });
    gw = await startGateway(dialect, {}, { blobs: down });
    res = await gw.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ checks: { media_store: 'unreachable' } });
  });
});

describe('the file store check', () => {
  it('says what is wrong, with the path, for the operator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-media-'));
    const file = join(dir, 'media');
    writeFileSync(file, '');
    expect(await new FileBlobStore(dir).check()).toBeNull();
    expect(await new FileBlobStore(file).check()).toEqual({ state: 'not a folder', detail: `${file} is not a folder` });
    expect(await new FileBlobStore(join(file, 'below')).check()).toMatchObject({ state: 'not a folder' });
  });
});
