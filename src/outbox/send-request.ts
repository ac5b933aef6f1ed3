import type { Deps } from '../deps.ts';
import type { DeliveryWithBody, WebhookRow } from '../db/schema.ts';
import { composeRequest } from './compose-request.ts';
import type { AttemptResult, WebhookSender } from './deliver.ts';
import { secretSlots } from '../crypto/secrets.ts';

/** One request's outcome, waiting to be recorded. */
export interface RequestOutcome {
  webhook: WebhookRow;
  items: readonly DeliveryWithBody[];
  result: AttemptResult;
  /** When the answer (or the failure) came back. */
  at: number;
  /** The X-Idempotency-Key the request carried (what a receiver logs); none when it was never sent. */
  idempotencyKey?: string;
}

/** Signs and sends one request (a delivery, or a buffered batch of them); never throws. */
export async function sendRequest(
  deps: Pick<Deps, 'clock' | 'cipher'>,
  sender: WebhookSender,
  webhook: WebhookRow,
  items: readonly DeliveryWithBody[],
): Promise<RequestOutcome> {
  const request = composeRequest(items, webhook, deps.cipher.decrypt(webhook.secret_enc, secretSlots.webhookSecret(webhook.id)));
  const result = await sender.post(webhook.url, request.body, request.headers, () => deps.clock.now());
  return { webhook, items, result, at: deps.clock.now(), idempotencyKey: request.headers['x-idempotency-key'] };
}
