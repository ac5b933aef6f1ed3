import type { SendBody } from '../proxy/schemas.ts';
import type { InboxSendBody } from './schemas.ts';

/** Whom a conversation's messages go to: its customer, by phone or by business-scoped user id. */
export interface Customer {
  wa_id: string | null;
  business_scoped_user_id: string | null;
}

/**
 * The Meta send body for a message typed in the inbox (pure): the composer's body addressed to
 * the conversation's customer, by wa_id when known, else by BSUID in `recipient` (SDK 0.3.0;
 * meta-cloud-api.md §1.5). Null when the customer has neither, which no stored conversation has.
 */
export function metaSendBodyOf(customer: Customer, body: InboxSendBody): SendBody | null {
  const address = customer.wa_id !== null ? { to: customer.wa_id } : customer.business_scoped_user_id !== null ? { recipient: customer.business_scoped_user_id } : null;
  if (address === null) return null;
  const content = (body as Record<string, unknown>)[body.type];
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...address,
    type: body.type,
    [body.type]: content,
    ...(body.context !== undefined ? { context: body.context } : {}),
  } as SendBody;
}
