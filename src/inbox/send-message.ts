import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import type { RequestTrace } from '../http/request-id.ts';
import { findMessage } from '../messages/store.ts';
import { acceptanceOf } from '../proxy/accepted-send.ts';
import { sendMessage } from '../proxy/send.ts';
import type { Customer } from './meta-send-body.ts';
import { metaSendBodyOf } from './meta-send-body.ts';
import { presentKapsoMessages } from './present-messages.ts';
import type { InboxSendBody } from './schemas.ts';
import type { InboxAnswer } from './send-once.ts';

/** The Graph version the inbox sends with (it has no client pinning one). */
const GRAPH_VERSION = 'v24.0';

type SendDeps = Parameters<typeof sendMessage>[0] & Pick<Deps, 'mediaUrls'>;

/**
 * Sends a message typed in the inbox to the conversation's customer through the same path as an
 * API send (proxy/send.ts: the number's governor, Meta, the outbound message stored in the
 * customer's conversation, its events), so it shows in history and webhooks like any other send.
 * Answers `{message}` as read back from the store, or Meta's error answer as it came.
 */
export async function sendFromInbox(
  deps: SendDeps,
  projectId: string,
  number: PhoneNumberRow,
  customer: Customer,
  body: InboxSendBody,
  trace: RequestTrace,
): Promise<InboxAnswer> {
  const metaBody = metaSendBodyOf(customer, body);
  if (metaBody === null) throw errors.invalidParameter('to', 'This conversation’s customer has no phone number or business-scoped user id to send to.');
  const answer = await sendMessage(deps, number, GRAPH_VERSION, metaBody, trace);
  const acceptance = acceptanceOf(answer);
  if (!acceptance) return { statusCode: answer.statusCode, body: answer.body.toString('utf8') };
  // sendMessage stored it before answering, so it is there to read back.
  const row = await findMessage(deps.database.db, projectId, number.id, acceptance.wamid);
  if (!row) throw errors.internal();
  const [message] = await presentKapsoMessages(deps, number.id, [row]);
  return { statusCode: 200, body: JSON.stringify({ message }) };
}
