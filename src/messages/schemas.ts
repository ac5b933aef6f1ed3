import { z } from 'zod';
import { bsuidParam, instantParam, pageQueryShape, phoneNumberParams } from '../http/list-schemas.ts';

/** Request schemas of the message history routes. */

/** `GET /{phone_number_id}/messages` (§6.1.3); unknown keys are ignored, as the SDK forwards extras. */
export const listMessagesSchema = {
  params: phoneNumberParams,
  querystring: z
    .object({
      ...pageQueryShape,
      direction: z.enum(['inbound', 'outbound']).optional(),
      // §7.1's filter values, plus `received`: the status inbound messages are stored with.
      status: z.enum(['received', 'pending', 'sent', 'delivered', 'read', 'failed']).optional(),
      since: instantParam.optional(),
      until: instantParam.optional(),
      conversation_id: z.uuid().optional(),
      // The customer's messages, whichever conversation they are in.
      business_scoped_user_id: bsuidParam.optional(),
    })
    .loose(),
};
