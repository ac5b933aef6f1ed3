import { z } from 'zod';
import {
  addRecipientsResponses,
  broadcastPageSchema,
  oneBroadcastSchema,
  oneSuppressionResponses,
  recipientPageResponses,
  removedSuppressionResponses,
  suppressionPageResponses,
  timingResponses,
} from './response-schemas.ts';

/** Request schemas of the broadcast routes (kapso-broadcasts.md §5) and the suppression list. */

const STATUSES = ['draft', 'scheduled', 'sending', 'completed', 'stopped', 'failed'] as const;

/** §6.1: page ≥ 1, per_page 1–100, default 20. */
const paging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
};

export const broadcastParams = z.object({ broadcast_id: z.string().min(1).max(64) });

export const listBroadcastsSchema = {
  querystring: z
    .object({
      ...paging,
      phone_number_id: z.string().min(1).max(64).optional(),
      status: z.enum(STATUSES).optional(),
      created_after: z.string().max(64).optional(),
      created_before: z.string().max(64).optional(),
    })
    .loose(),
  response: { 200: broadcastPageSchema },
};

export const createBroadcastSchema = {
  body: z.object({
    whatsapp_broadcast: z.object({
      name: z.string().trim().min(1).max(255),
      phone_number_id: z.string().min(1).max(64),
      whatsapp_template_id: z.string().min(1).max(64),
    }),
  }),
  response: { 201: oneBroadcastSchema },
};

export const getBroadcastSchema = { params: broadcastParams, response: { 200: oneBroadcastSchema } };

/** §5.4: the only documented stop, and un-scheduling; any other value is a 422. */
export const patchBroadcastSchema = {
  params: broadcastParams,
  body: z.object({ whatsapp_broadcast: z.object({ status: z.enum(['stopped', 'draft'], "status must be 'stopped' (from sending) or 'draft' (from scheduled)") }) }),
  response: { 200: oneBroadcastSchema },
};

export const listRecipientsSchema = { params: broadcastParams, querystring: z.object(paging).loose(), response: recipientPageResponses };

/**
 * §5.6: the array is checked for presence and size here; each item is checked by
 * add-recipients.ts, which reports a bad item without refusing the others.
 */
export const addRecipientsSchema = {
  params: broadcastParams,
  body: z.object({
    whatsapp_broadcast: z.object({ recipients: z.array(z.unknown(), 'Recipients array is required') }, 'Recipients array is required'),
  }, 'Recipients array is required'),
  response: addRecipientsResponses,
};

export const actionSchema = { params: broadcastParams, response: timingResponses };

/** §5.9: a bare top-level `scheduled_at`, ISO-8601 with a timezone. */
export const scheduleSchema = { params: broadcastParams, body: z.object({ scheduled_at: z.string('scheduled_at is required').max(64) }), response: timingResponses };

export const SUPPRESSION_REASONS = ['marketing_opt_out', 'not_on_whatsapp', 'manual'] as const;

export const listSuppressionsSchema = { querystring: z.object(paging).loose(), response: suppressionPageResponses };

export const addSuppressionSchema = {
  body: z.object({
    whatsapp_suppression: z.object({
      phone_number: z.string().min(1).max(40),
      reason: z.enum(SUPPRESSION_REASONS).default('manual'),
      error_code: z.number().int().min(0).max(1_000_000).optional(),
    }),
  }),
  response: oneSuppressionResponses,
};

export const suppressionParams = { params: z.object({ phone_number: z.string().min(1).max(40) }), response: removedSuppressionResponses };
