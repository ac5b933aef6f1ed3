import { z } from 'zod';
import { documentedOnly } from './documented-only.ts';

/**
 * How the OpenAPI document describes what the gateway forwards to Meta and hands back: Meta's
 * parameters and answers, whose shapes are Meta's (meta-cloud-api.md), not checked here.
 */

/** Meta's answer, status and bytes as Meta sent them (errors included, in Meta's envelope). */
export const metaAnswerSchema = documentedOnly(
  z.record(z.string(), z.unknown()).meta({
    id: 'MetaAnswer',
    description: "Meta's answer, passed through unchanged (Meta's status, content type and body).",
    examples: [{ success: true }],
  }),
);

/** A JSON body with Meta's parameters for the endpoint, forwarded as it came. */
export const metaParametersSchema = documentedOnly(
  z.record(z.string(), z.unknown()).meta({ description: "Meta's parameters for this endpoint (meta-cloud-api.md), forwarded unchanged." }),
);

/**
 * The responses of a route whose answer is Meta's. Typed open (any status, any body) because the
 * handler replies with Meta's status and raw bytes, which no schema of ours shapes.
 */
export const metaAnswerResponses: Record<number, z.ZodType<unknown>> = { 200: metaAnswerSchema };
