import { z } from 'zod';

/**
 * Meta's Graph error envelope, which every refusal of the gateway is answered in (http/errors.ts
 * builds its `error`; meta-cloud-api.md §4). Meta's own errors that the proxy passes through carry
 * more keys (`error_user_title`, `is_transient`…), hence loose.
 */
export const graphErrorBodySchema = z
  .object({
    message: z.string(),
    type: z.string(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.object({ messaging_product: z.literal('whatsapp'), details: z.string() }).optional(),
    fbtrace_id: z.string().optional().meta({ description: "The request id: the gateway log's line for this request carries it." }),
  })
  .loose();

export type GraphErrorBody = z.infer<typeof graphErrorBodySchema>;

export const errorEnvelopeSchema = z.object({ error: graphErrorBodySchema }).meta({
  id: 'ErrorEnvelope',
  description: "Meta's Graph error envelope.",
  examples: [
    {
      error: {
        message: "Unsupported get request. Object with ID 'wamid.HBgL' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        error_data: { messaging_product: 'whatsapp', details: 'Unknown message.' },
        fbtrace_id: '0b9f1c9e-5c3e-4a8e-9a57-2f0d6d1f4e21',
      },
    },
  ],
});
