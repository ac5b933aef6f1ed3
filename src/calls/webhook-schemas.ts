/**
 * Zod schemas for the `calls` webhook field (Meta's Calling API webhooks): the `value` of a change
 * whose field is `calls`. Loose and without transforms, like ingest's message schemas: only the
 * keys the call log reads are checked, and Meta may add others.
 */
import { z } from 'zod';

/** Unix seconds: Meta sends digit strings; a number is tolerated from lenient senders. */
const epochSeconds = z.union([z.string().regex(/^\d+$/, 'Expected Unix seconds as digits'), z.number().int().nonnegative()]);

/** `value.calls[]`: a `connect` (the call is being set up) or a `terminate` (it ended). */
export const metaCallSchema = z.looseObject({
  id: z.string().min(1).max(256),
  event: z.string().min(1),
  timestamp: epochSeconds,
  from: z.string().optional(),
  to: z.string().optional(),
  /** `USER_INITIATED` or `BUSINESS_INITIATED`; Meta's user-initiated examples omit it. */
  direction: z.string().optional(),
  /** On terminate: `COMPLETED` or `FAILED`. */
  status: z.string().optional(),
  start_time: epochSeconds.optional(),
  end_time: epochSeconds.optional(),
  duration: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).optional(),
  biz_opaque_callback_data: z.string().optional(),
});

/** `value.statuses[]` of a business-initiated call: `RINGING`, `ACCEPTED`, `REJECTED`. */
export const metaCallStatusSchema = z.looseObject({
  id: z.string().min(1).max(256),
  status: z.string().min(1),
  timestamp: epochSeconds,
  type: z.string().optional(),
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
});

/** The `value` of a change whose `field` is `calls`. */
export const callsValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string().min(1), display_phone_number: z.string().optional() }),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional() })).optional(),
  calls: z.array(metaCallSchema).optional(),
  statuses: z.array(metaCallStatusSchema).optional(),
});

export type MetaCall = z.infer<typeof metaCallSchema>;
export type MetaCallStatus = z.infer<typeof metaCallStatusSchema>;
export type CallsValue = z.infer<typeof callsValueSchema>;
