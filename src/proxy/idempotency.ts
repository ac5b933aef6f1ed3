import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import type { ProxyAnswer } from './answer.ts';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from './store.ts';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs a send at most once per `Idempotency-Key` within IDEMPOTENCY_KEY_RETENTION_HOURS (24): a retry with the same key and
 * the same request gets the first answer again and nothing is sent twice; the same key with a
 * different request, or while the first is still in flight, is refused with 409. Answers Meta
 * gave (success or a 4xx Meta error) are kept; a 5xx or a failure to reach Meta releases the
 * key for a retry.
 */
export async function withIdempotency(
  deps: Pick<Deps, 'database' | 'clock' | 'config'>,
  scope: { projectId: string; key: string | undefined; request: string },
  run: () => Promise<ProxyAnswer>,
): Promise<ProxyAnswer> {
  const { key, projectId } = scope;
  if (key === undefined) return run();
  if (!KEY_PATTERN.test(key)) throw errors.invalidParameter('Idempotency-Key', 'Idempotency-Key must be 1-255 printable ASCII characters.');
  const { db } = deps.database;
  const now = deps.clock.now();
  const requestHash = createHash('sha256').update(scope.request).digest('hex');
  const existing = await claimIdempotencyKey(db, { project_id: projectId, key, request_hash: requestHash, created_at: now }, now - deps.config.idempotency.retentionMs);
  if (existing) {
    if (existing.request_hash !== requestHash) throw errors.conflict('This Idempotency-Key was used with a different request.');
    if (existing.status_code === null || existing.response_body === null) {
      throw errors.conflict('A request with this Idempotency-Key is still in progress; retry shortly.');
    }
    return { statusCode: existing.status_code, contentType: 'application/json', body: Buffer.from(existing.response_body) };
  }
  let answer: ProxyAnswer;
  try {
    answer = await run();
  } catch (err) {
    await releaseIdempotencyKey(db, projectId, key);
    throw err;
  }
  // A 5xx from Meta may mean "not processed": let the client retry it under the same key.
  if (answer.statusCode >= 500) await releaseIdempotencyKey(db, projectId, key);
  else await completeIdempotencyKey(db, projectId, key, answer.statusCode, answer.body.toString('utf8'));
  return answer;
}
