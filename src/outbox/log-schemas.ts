import { z } from 'zod';
import { instantParam } from '../http/list-schemas.ts';

/**
 * Request and response schemas of the delivery log, redelivery and test events (kapso-api.md
 * §8.8). The response schemas are also the serializers, so no column leaks into an answer.
 */

/** Path ids: any string is looked up, and an unknown one answers 404 like a foreign one. */
const idParam = z.string().min(1).max(128);
const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const LOG_PERIODS = ['24h', '7d', '30d'] as const;
export type LogPeriod = (typeof LOG_PERIODS)[number];

/** A §8.8 log item; the fields after `conversation_phone_number` are ours. */
export const deliveryItem = z.object({
  id: z.string(),
  event: z.string(),
  attempt_count: z.number().int(),
  created_at: z.string(),
  response_status: z.number().int().nullable(),
  delivered_at: z.string().nullable(),
  failed_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  webhook_id: z.string(),
  webhook_url: z.string().nullable(),
  whatsapp_config_id: z.string().nullable(),
  phone_number_id: z.string().nullable(),
  conversation_phone_number: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
});

export const attemptItem = z.object({
  attempt: z.number().int(),
  started_at: z.string(),
  duration_ms: z.number().int(),
  response_status: z.number().int().nullable(),
  error_class: z.string().nullable(),
  error_message: z.string().nullable(),
  response_excerpt: z.string().nullable(),
  batch_size: z.number().int(),
});

export const deliveryDetail = deliveryItem.extend({ attempts: z.array(attemptItem), body: z.string().nullable() });

export type DeliveryItem = z.infer<typeof deliveryItem>;
export type AttemptItem = z.infer<typeof attemptItem>;
export type DeliveryDetail = z.infer<typeof deliveryDetail>;

const paging = z.object({
  cursors: z.object({ before: z.string().nullable(), after: z.string().nullable() }),
  next: z.string().nullable(),
  previous: z.string().nullable(),
});

/** The list's query; unknown keys are ignored, as on the other history lists. */
export const deliveryLogQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    event: z.string().min(1).max(100).optional(),
    webhook_id: idParam.optional(),
    errors_only: booleanParam.default(false),
    period: z.enum(LOG_PERIODS).default('24h'),
    since: instantParam.optional(),
    until: instantParam.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: z.string().max(512).optional(),
    after: z.string().max(512).optional(),
  })
  .loose();

export type DeliveryLogQuery = z.output<typeof deliveryLogQuery>;

export const listDeliveriesSchema = {
  querystring: deliveryLogQuery,
  response: { 200: z.object({ data: z.array(deliveryItem), paging }) },
};

const deliveryParams = z.object({ delivery_id: idParam });

export const getDeliverySchema = { params: deliveryParams, response: { 200: z.object({ data: deliveryDetail }) } };

export const redeliverOneSchema = { params: deliveryParams, response: { 200: z.object({ data: deliveryItem }) } };

export const redeliverManySchema = {
  body: z.strictObject({
    status: z.enum(['failed', 'delivered']).default('failed'),
    webhook_id: idParam.optional(),
    since: instantParam,
    until: instantParam.optional(),
  }),
  response: { 200: z.object({ data: z.object({ redelivered: z.number().int() }) }) },
};

export type RedeliverManyInput = z.output<typeof redeliverManySchema.body>;

export const testWebhookSchema = {
  params: z.object({ webhook_id: idParam, phone_number_id: idParam.optional() }),
  // Null when the request has no body at all: the body is optional.
  body: z.strictObject({ event_type: z.string().min(1).max(100).optional() }).nullish(),
  response: { 200: z.object({ data: z.object({ success: z.literal(true) }) }) },
};
