import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { errors, GraphError } from '../http/errors.ts';
import { claimInboxSend, completeInboxSend, releaseInboxSend } from './sends-store.ts';

/** What the send route answers: a status and a JSON body (ours, or Meta's error as it came). */
export interface InboxAnswer {
  statusCode: number;
  body: string;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,100}$/;
/** How long a key's answer is kept (docs/inbox-api.md "Never sent twice"). */
export const INBOX_SEND_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Runs a member's send at most once per Idempotency-Key within 24 h: a retry gets the first
 * answer again; a retry while the first is in flight is refused (409, code 2) and the client
 * tries again later; the key reused for another message is refused (409, code 100) rather than
 * answered with the first message, which would drop the new one silently.
 * - Answers Meta gave, success or a 4xx, are kept; a 5xx answer frees the key (as for the API's
 *   Idempotency-Key): Meta did not take the message, and the retry sends it. So does Meta's
 *   throttling (THROTTLED_BY_META): it refused the message for now, and a retry is what it asks for.
 * - A refusal before Meta saw the send (the governor's 429, a bad request) frees the key too.
 * - Any other failure (no answer in time, a connection lost, the store failing after Meta
 *   accepted) may have reached the customer: it is kept as the key's answer, so a retry answers
 *   the same failure instead of perhaps sending twice, and the member decides to send again.
 * A send whose process dies mid-flight keeps its key pending until it expires, for the same reason.
 */
export async function sendOnce(
  deps: Pick<Deps, 'database' | 'clock' | 'log'>,
  scope: { userId: string; key: string | undefined; request: string; requestId: string },
  run: () => Promise<InboxAnswer>,
): Promise<InboxAnswer> {
  const { key, userId } = scope;
  if (key === undefined) return run();
  if (!KEY_PATTERN.test(key)) throw errors.invalidParameter('Idempotency-Key', 'Idempotency-Key must be 1-100 printable ASCII characters.');
  const { db } = deps.database;
  const now = deps.clock.now();
  const requestHash = createHash('sha256').update(scope.request).digest('hex');
  const existing = await claimInboxSend(db, { userId, key, requestHash, now }, now - INBOX_SEND_KEY_TTL_MS);
  if (existing) {
    if (existing.request_hash !== requestHash) throw errors.conflict('This Idempotency-Key was used for another message; choose a new key per message.');
    if (existing.state !== 'done' || existing.answer_status === null || existing.answer_body === null) throw errors.alreadyBeingSent();
    return { statusCode: Number(existing.answer_status), body: existing.answer_body };
  }
  let answer: InboxAnswer;
  try {
    answer = await run();
  } catch (err) {
    if (err instanceof GraphError && err.statusCode < 500) await releaseInboxSend(db, userId, key);
    else await keepFailure(deps, userId, key, err, scope.requestId);
    throw err;
  }
  if (answer.statusCode >= 500 || isThrottledByMeta(answer)) await releaseInboxSend(db, userId, key);
  else await completeInboxSend(db, userId, key, answer.statusCode, answer.body);
  return answer;
}

/**
 * Meta's "not now" codes (meta-cloud-api.md): the number's throughput (130429), the pair rate
 * (131056), the app's and the account's rate limits (4, 80007). The message was not sent.
 */
const THROTTLED_BY_META = new Set([4, 80007, 130429, 131056]);

function isThrottledByMeta(answer: InboxAnswer): boolean {
  if (answer.statusCode < 400) return false;
  try {
    const code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'number' && THROTTLED_BY_META.has(code);
  } catch {
    return false;
  }
}

/** Keeps a failure that may have sent the message as the key's answer; best effort (the store may be what failed). */
async function keepFailure(deps: Pick<Deps, 'database' | 'log'>, userId: string, key: string, err: unknown, requestId: string): Promise<void> {
  const failure = err instanceof GraphError ? err : errors.internal();
  try {
    await completeInboxSend(deps.database.db, userId, key, failure.statusCode, JSON.stringify({ error: failure.toBody(requestId) }));
  } catch (storeErr) {
    deps.log.warn({ err: storeErr, userId }, 'an inbox send key stays pending after a failed send; its retries answer 409 until it expires');
  }
}
