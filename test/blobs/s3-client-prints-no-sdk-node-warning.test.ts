import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The AWS SDK warns once per process, on the first client, that newer SDKs will need a newer
 * Node: noise in every log (and test run) that an operator cannot act on from the gateway. A
 * fresh process is needed, since the SDK remembers that it has warned. (On Node 22 and later the
 * SDK has nothing to say, and this passes whatever the gateway does.)
 */
describe('the S3 blob store', () => {
  it('creates its client without the SDK printing a Node version warning', () => {
    const script = `
      const { S3BlobStore } = await import('./src/blobs/s3-blob-store.ts');
      new S3BlobStore({ bucket: 'b', prefix: '', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
      console.log('created');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stdout.trim()).toBe('created');
    expect(r.stderr).not.toMatch(/NodeVersion|AWS SDK for JavaScript/);
  });
});
