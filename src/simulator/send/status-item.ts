import type { WebhookError } from '../error-codes.ts';

/** `statuses[].pricing` (§1.7). */
export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service';
  category: string;
}

/**
 * Per-message pricing (§1.7, §5.5): free-form messages are `service` and free inside the
 * window; utility templates inside the window are free; other templates are billed.
 */
export function pricingFor(templateCategory: string | undefined, inWindow: boolean): Pricing {
  if (templateCategory === undefined) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
  const category = templateCategory.toLowerCase();
  const free = inWindow && category === 'utility';
  return { billable: !free, pricing_model: 'PMP', type: free ? 'free_customer_service' : 'regular', category };
}

/** What one `statuses[]` item says. */
export interface StatusItemInput {
  wamid: string;
  status: string;
  timestampSec: number;
  recipientId: string;
  /** The customer's BSUID, when they have one (§1.5: `recipient_user_id`). */
  recipientUserId?: string;
  bizOpaque?: string;
  pricing?: Pricing;
  /** Only when emulating Graph ≤ v23.0 (§1.7: omitted on v24.0+). */
  conversation?: { id: string; expirationSec?: number; originType: string };
  errors?: WebhookError[];
}

/** A `statuses[]` item in Meta's key order (§1.7), ids and timestamps as strings. */
export function buildStatusItem(input: StatusItemInput): Record<string, unknown> {
  const item: Record<string, unknown> = {
    id: input.wamid,
    status: input.status,
    timestamp: String(input.timestampSec),
    recipient_id: input.recipientId,
  };
  if (input.recipientUserId !== undefined) item.recipient_user_id = input.recipientUserId;
  if (input.bizOpaque !== undefined) item.biz_opaque_callback_data = input.bizOpaque;
  if (input.conversation) {
    const { id, expirationSec, originType } = input.conversation;
    item.conversation = { id, ...(expirationSec !== undefined ? { expiration_timestamp: String(expirationSec) } : {}), origin: { type: originType } };
  }
  if (input.pricing) item.pricing = input.pricing;
  if (input.errors) item.errors = input.errors;
  return item;
}

/** The major Graph version of a path segment such as `v23.0`. */
export function graphMajorVersion(version: string): number {
  return Number(/^v(\d+)/.exec(version)?.[1] ?? Number.POSITIVE_INFINITY);
}
