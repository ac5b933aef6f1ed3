import { z } from 'zod';

/** Request schemas of the control API (`/_simulator/*`, docs/simulator.md). */

export const numberBody = z.object({
  phone_number_id: z.string().min(1).max(64),
  display_phone_number: z.string().min(5).max(32),
  waba_id: z.string().min(1).max(64),
  access_token: z.string().min(1),
  app_secret: z.string().min(1),
  webhook_url: z.url().optional(),
  verified_name: z.string().min(1).optional(),
  messaging_limit_tier: z.string().regex(/^TIER_[0-9A-Z]{1,12}$/, 'messaging_limit_tier must look like TIER_250 or TIER_UNLIMITED').optional(),
});

export const inboundBody = z.object({
  phone_number_id: z.string().min(1),
  from: z.string().min(1).max(256),
  profile_name: z.string().optional(),
  // The customer's BSUID and username (§1.5), kept for their later messages and sends.
  user_id: z.string().regex(/^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/).optional(),
  username: z.string().min(1).max(64).optional(),
  /** The customer hides their phone: `wa_id` and `from` arrive empty. */
  hide_phone: z.boolean().optional(),
  message: z.looseObject({ type: z.string().min(1), context: z.looseObject({}).optional() }),
});

export const inboundCallBody = z.object({
  phone_number_id: z.string().min(1),
  from: z.string().min(1).max(256),
  profile_name: z.string().optional(),
});
export const callParams = z.object({ call_id: z.string().min(1).max(256) });

export const recipientParams = z.object({ wa_id: z.string().min(1).max(64) });
export const recipientBody = z.object({
  fail_with: z.number().int().nullable().optional(),
  fail_after: z.enum(['accepted', 'sent', 'delivered']).optional(),
  read: z.boolean().optional(),
  on_whatsapp: z.boolean().optional(),
  marketing_opt_out: z.union([z.boolean(), z.array(z.string().min(1).max(64)).max(1000)]).optional(),
  answers: z.boolean().optional(),
});

export const sendsQuery = z.object({
  phone_number_id: z.string().optional(),
  to: z.string().min(1).max(64).optional(),
});

export const listQuery = z.object({
  phone_number_id: z.string().optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
});

export const templateStatusParams = z.object({ template_id: z.string().min(1) });
export const templateStatusBody = z.object({
  status: z.enum(['APPROVED', 'REJECTED', 'PAUSED', 'DISABLED', 'PENDING', 'IN_APPEAL', 'REINSTATED', 'FLAGGED', 'LIMIT_EXCEEDED', 'ARCHIVED']),
  reason: z.string().nullable().optional(),
});

export const systemErrorBody = z.object({
  phone_number_id: z.string().min(1),
  code: z.number().int(),
  details: z.string().optional(),
});
