import type { Deps } from '../deps.ts';
import type { BroadcastRecipientRow, PhoneNumberRow } from '../db/schema.ts';
import { failedBeforeSending } from '../graph/graph-client.ts';
import type { ConversationMessage } from '../messages/message-write.ts';
import { acceptanceOf, graphErrorOf, outboundMessageOf } from '../proxy/accepted-send.ts';
import { forwardToMessages, sendRateOf } from '../proxy/send.ts';
import { templateSendOf } from './send-body.ts';
import { outcomeOfRefusal, type SendOutcome, throttleDelayMs } from './send-outcome.ts';
import type { StoredTemplate } from './template.ts';

/** The Graph version the worker sends with. */
const GRAPH_VERSION = 'v24.0';
/** The longest a recipient waits in the governor before it is put back as due later. */
export const GOVERNOR_WAIT_MS = 20_000;

/** One claimed recipient, with what sending it needs. */
export interface RecipientSend {
  recipient: BroadcastRecipientRow;
  broadcastId: string;
  projectId: string;
  template: StoredTemplate;
  number: PhoneNumberRow;
}

/** What run() hands to record(): the outcome and, for an accepted send, the message to store. */
export interface SendResult {
  outcome: SendOutcome;
  message?: ConversationMessage;
}

type SendDeps = Pick<Deps, 'database' | 'clock' | 'cipher' | 'graph' | 'config' | 'outboxBell' | 'mediaBell' | 'governor'>;

/**
 * Sends one recipient's template through the send governor (the number's rate, shared with API
 * sends and other processes, and the customer's pair rate) and decides the outcome from Meta's
 * answer. Nothing is written here: the recorder writes outcomes in batches.
 */
export async function sendRecipient(deps: SendDeps, job: RecipientSend, stillSending: () => boolean): Promise<SendResult> {
  const { recipient, number, template } = job;
  const perSecond = sendRateOf(deps, number);
  const permit = await deps.governor.acquire({ phoneNumberId: number.id, perSecond, recipient: recipient.phone_number, maxWaitMs: GOVERNOR_WAIT_MS });
  if (!permit.ok) return { outcome: { kind: 'retry', nextAttemptAt: deps.clock.now() + permit.retryAfterMs, reason: `the ${permit.limit} limit` } };
  const body = templateSendOf(template, recipient);
  let answer;
  try {
    // A stop (T7) that came while this recipient waited for its turn: not handed to Meta [OV].
    if (!stillSending()) return { outcome: { kind: 'retry', nextAttemptAt: deps.clock.now(), reason: 'the broadcast is no longer sending' } };
    answer = await forwardToMessages(deps, number, GRAPH_VERSION, body);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    if (failedBeforeSending(err)) return { outcome: { kind: 'retry', nextAttemptAt: deps.clock.now() + throttleDelayMs(recipient.attempts), reason: detail } };
    return { outcome: { kind: 'unknown', detail } };
  } finally {
    // The permit's send is answered (or was not made): it counts for the number's window from now.
    deps.governor.answered(number.id, permit.grantedAt);
  }
  const now = deps.clock.now();
  const acceptance = acceptanceOf(answer);
  if (acceptance) return { outcome: { kind: 'sent', wamid: acceptance.wamid }, message: outboundMessageOf(number.id, body, acceptance, now) };
  if (answer.statusCode >= 200 && answer.statusCode < 300) return { outcome: { kind: 'unknown', detail: `Meta answered ${answer.statusCode} without a message id` } };
  const refusal = { statusCode: answer.statusCode, ...graphErrorOf(answer) };
  if (refusal.code === 130429) await deps.governor.throttledByMeta(number.id);
  return { outcome: outcomeOfRefusal(refusal, recipient.attempts, now) };
}

/** The message a lost send that Meta accepted (its tag came back with `wamid`) would have stored. */
export function acceptedMessageOf(job: Pick<RecipientSend, 'recipient' | 'template' | 'number'>, wamid: string, now: number): ConversationMessage {
  return outboundMessageOf(job.number.id, templateSendOf(job.template, job.recipient), { wamid }, now);
}
