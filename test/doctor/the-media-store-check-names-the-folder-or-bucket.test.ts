import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../src/blobs/file-blob-store.ts';
import { S3BlobStore } from '../../src/blobs/s3-blob-store.ts';
import { checkMediaStore } from '../../src/doctor/checks-media.ts';
import { freePort } from '../helpers/cli.ts';
import { startS3, type TestS3 } from '../media/helpers.ts';

const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Doctor's media line: the check `/readyz` makes, with the folder or bucket named and the action. */
describe('the media store check of switchboard doctor', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(() => s3.close());

  const bucket = async (name: string, endpoint = s3.endpoint, secretAccessKey = S3_CREDENTIALS.secretAccessKey) => {
    const store = new S3BlobStore({ bucket: name, prefix: 'media/', endpoint, region: 'us-east-1', credentials: { ...S3_CREDENTIALS, secretAccessKey } });
    try {
      return await checkMediaStore(store, `s3://${name}/media`);
    } finally {
      await store.close();
    }
  };

  it('passes a writable folder and a bucket that answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-media-'));
    expect(await checkMediaStore(new FileBlobStore(dir), `file:${dir}`)).toEqual({ name: 'media_store', state: 'ok', detail: `file:${dir} can keep files` });
    expect(await bucket(s3.bucket)).toMatchObject({ state: 'ok' });
  });

  it('fails a folder that is a file, naming it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchboard-media-')), 'media');
    writeFileSync(file, '');
    expect(await checkMediaStore(new FileBlobStore(file), `file:${file}`)).toEqual({
      name: 'media_store',
      state: 'fail',
      detail: `file:${file}: ${file} is not a folder`,
      fix: 'set MEDIA_STORE to a folder (file:/path/to/media), or move what is in the way',
    });
  });

  it('fails a missing bucket, refused credentials and an endpoint that is down, each with its action', async () => {
    expect(await bucket('no-such-bucket')).toMatchObject({ state: 'fail', detail: 's3://no-such-bucket/media: the bucket no-such-bucket does not exist (HTTP 404)', fix: expect.stringContaining('create the bucket') });
    expect(await bucket(s3.bucket, s3.endpoint, 'not-the-secret')).toMatchObject({ state: 'fail', detail: expect.stringContaining('refused these credentials (HTTP 403)'), fix: expect.stringContaining('s3:ListBucket') });
    expect(await bucket(s3.bucket, `http://127.0.0.1:${await freePort()}`)).toMatchObject({ state: 'fail', detail: expect.stringContaining('did not answer (ECONNREFUSED)'), fix: expect.stringContaining('MEDIA_S3_ENDPOINT') });
  });
});
