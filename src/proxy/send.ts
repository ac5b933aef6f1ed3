import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { advanceMessageStatus } from '../messages/advance-status.ts';
import { acceptanceOf, graphErrorOf, outboundMessageOf } from './accepted-send.ts';
import { storeConversationMessages } from '../messages/store-conversation-messages.ts';
import type { ProxyAnswer } from './answer.ts';
import { graphOriginOf } from '../graph/graph-origin.ts';
import { graphPath } from '../graph/graph-path.ts';
import type { MarkReadBody, SendBody } from './schemas.ts';
import { secretSlots } from '../crypto/secrets.ts';
import type { RequestTrace } from '../http/request-id.ts';

type SendDeps = Pick<Deps, 'database' | 'clock' | 'cipher' | 'graph' | 'config' | 'outboxBell' | 'mediaBell' | 'governor'>;

/** Forwards a JSON body (a send, a mark-as-read) to `/{version}/{phone_number_id}/messages` with the number's token. */
export async function forwardToMessages(deps: SendDeps, number: PhoneNumberRow, version: string, body: unknown, requestId?: string): Promise<ProxyAnswer> {
  return deps.graph.call(graphOriginOf(deps, number), {
    method: 'POST',
    path: graphPath(version, [number.id, 'messages']),
    token: deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id)),
    body: JSON.stringify(body),
    contentType: 'application/json',
    requestId,
  });
}

/**
 * Sends a message through Meta and, once Meta accepted it, stores it as an outbound message
 * (status `pending`, the body as sent, the wamid Meta returned) in the customer's conversation, so
 * it can be read back at once; Meta's status webhooks then advance it. Meta's answer, success or
 * error, is returned unchanged. The API request's id goes to Meta as X-Request-Id, and the wamid
 * Meta gave onto the request's log line, so a send is followed from its request to its statuses.
 */
export async function sendMessage(deps: SendDeps, number: PhoneNumberRow, version: string, body: SendBody, trace?: RequestTrace): Promise<ProxyAnswer> {
  const perSecond = sendRateOf(deps, number);
  const sent = await deps.governor.send({ phoneNumberId: number.id, perSecond, recipient: recipientOf(body), maxWaitMs: deps.config.sending.maxWaitMs }, () =>
    forwardToMessages(deps, number, version, body, trace?.id),
  );
  if (!sent.ok) throw errors.sendThrottled(sent.limit, sent.retryAfterMs, perSecond);
  const answer = sent.value;
  if (isThroughputError(answer)) await deps.governor.throttledByMeta(number.id);
  if (answer.statusCode < 200 || answer.statusCode >= 300) return answer;
  const acceptance = acceptanceOf(answer);
  // Meta accepted nothing we can store or the client can track: not a send to report as done.
  if (!acceptance) {
    throw errors.upstreamBadResponse(`${new URL(graphOriginOf(deps, number)).origin}: bad response (status ${answer.statusCode} without a message id); the message may or may not have been sent`);
  }
  if (trace) trace.logDetail = { wamid: acceptance.wamid };
  const now = deps.clock.now();
  const message = outboundMessageOf(number.id, body, acceptance, now);
  // The one write path, as a batch of one.
  await deps.database.db.transaction().execute((trx) => storeConversationMessages(trx, [{ message, ctx: { now, inactivityMs: deps.config.conversations.inactivityMs } }]));
  deps.outboxBell.ring();
  // Sent media is mirrored like received media (kapso-api.md §6.1.1, item 6), queued with the message.
  if (message.derived.hasMedia) deps.mediaBell.ring();
  return answer;
}

/** The number's send rate: its own, else the gateway's default (messages per second). */
export function sendRateOf(deps: Pick<Deps, 'config'>, number: PhoneNumberRow): number {
  return number.max_messages_per_second ?? deps.config.sending.defaultPerSecond;
}

/** Whom a send goes to, for the pair rate: the wa_id's digits (or the business-scoped user id). */
function recipientOf(body: SendBody): string {
  return body.to !== undefined ? body.to.replace(/\D/g, '') : (body.recipient ?? '');
}

/** Meta refused the send for the number's throughput (meta-cloud-api.md §5.1). */
function isThroughputError(answer: ProxyAnswer): boolean {
  if (answer.statusCode < 400) return false;
  return graphErrorOf(answer)?.code === 130429;
}

/** Marks a customer's message read at Meta and, when Meta agrees, in our store too. */
export async function markRead(deps: SendDeps, number: PhoneNumberRow, version: string, body: MarkReadBody, requestId?: string): Promise<ProxyAnswer> {
  const answer = await forwardToMessages(deps, number, version, body, requestId);
  if (answer.statusCode < 200 || answer.statusCode >= 300) return answer;
  await advanceMessageStatus(deps.database.db, number.id, body.message_id, 'read', deps.clock.now());
  return answer;
}
