import type { BlobStore } from '../blobs/blob-store.ts';
import { type CheckResult, fail, ok, within } from './check.ts';

/** The action for each of BlobStore.check's states. */
const FIXES: Readonly<Record<string, string>> = {
  'not writable': 'make the folder writable by the user switchboard runs as, or set MEDIA_STORE to another folder',
  'not a folder': 'set MEDIA_STORE to a folder (file:/path/to/media), or move what is in the way',
  unreadable: 'make the folder readable and writable by the user switchboard runs as, or set MEDIA_STORE to another folder',
  'bucket not found': 'create the bucket, or fix the bucket in MEDIA_STORE (and MEDIA_S3_ENDPOINT or AWS_REGION)',
  'access denied': 'check the S3 credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the instance role): they need s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket',
  unreachable: 'check MEDIA_S3_ENDPOINT (or AWS_REGION) and that the endpoint is reachable from this host',
};

/** How long the store has to answer (the S3 client's own connect timeout is 5 s). */
const ANSWER_MS = 10_000;

/** The media store can keep files: the same check `/readyz` makes (BlobStore.check), with the detail. */
export async function checkMediaStore(blobs: BlobStore, where: string): Promise<CheckResult> {
  const problem = await within(
    blobs.check().catch((err: unknown) => ({ state: 'unreachable', detail: `the store failed: ${(err as Error).message}` })),
    ANSWER_MS,
    () => ({ state: 'unreachable', detail: `no answer within ${ANSWER_MS / 1000} s` }),
  );
  if (problem === null) return ok('media_store', `${where} can keep files`);
  return fail('media_store', `${where}: ${problem.detail}`, FIXES[problem.state] ?? 'fix MEDIA_STORE');
}
