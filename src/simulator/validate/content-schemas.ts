import { z } from 'zod';

/**
 * Send-API bodies of the non-interactive, non-template types (meta-cloud-api.md §2.3) with the
 * limits of §2.5. Objects are strict: Meta answers an unexpected key with code 100 (§7.5), which
 * also rejects a caption on audio or sticker messages.
 */

const httpUrl = z.string().regex(/^https?:\/\/\S+$/i, { message: 'Param {param} must be a valid http(s) URL.' });
const caption = z.string().max(1024);

export const textSchema = z.strictObject({
  body: z.string().min(1).max(4096),
  preview_url: z.boolean().optional(),
});

const mediaBase = { id: z.string().min(1).optional(), link: httpUrl.optional() };

/** One schema per media type; `id`/`link` exclusivity is checked after parsing (131009). */
export const mediaSchemas = {
  image: z.strictObject({ ...mediaBase, caption: caption.optional() }),
  video: z.strictObject({ ...mediaBase, caption: caption.optional() }),
  document: z.strictObject({ ...mediaBase, caption: caption.optional(), filename: z.string().min(1).max(240).optional() }),
  audio: z.strictObject({ ...mediaBase, voice: z.boolean().optional() }),
  sticker: z.strictObject({ ...mediaBase }),
} as const;

export type MediaType = keyof typeof mediaSchemas;

/** Meta documents latitude/longitude as strings of decimal degrees; numbers are tolerated. */
const degrees = (limit: number) =>
  z
    .union([z.string(), z.number()])
    .refine((v) => String(v).trim() !== '' && Number.isFinite(Number(v)) && Math.abs(Number(v)) <= limit, {
      message: `Param {param} must be a number of decimal degrees between -${limit} and ${limit}.`,
    });

export const locationSchema = z.strictObject({
  latitude: degrees(90),
  longitude: degrees(180),
  name: z.string().max(1000).optional(),
  address: z.string().max(1000).optional(),
});

/** vCard-like cards: only `name.formatted_name` is required; other fields pass through. */
export const contactsSchema = z
  .array(
    z.looseObject({
      name: z.looseObject({ formatted_name: z.string().min(1) }),
      birthday: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Param {param} must be a date in YYYY-MM-DD format.' })
        .optional(),
      phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
    }),
  )
  .min(1);

/** An empty emoji removes our reaction [unconfirmed, §2.3]. */
export const reactionSchema = z.strictObject({
  message_id: z.string().min(1),
  emoji: z.string().max(16),
});

export const contextSchema = z.strictObject({ message_id: z.string().min(1) });
