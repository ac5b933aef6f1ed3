import { z } from 'zod';
import { parseInstantMs } from './instants.ts';

/**
 * The request parameters every history list shares (kapso-api.md §3): paging, instants, the
 * number in the path, a customer's phone. A value that does not parse answers 400 naming its parameter.
 */

/** ISO 8601 or Unix seconds, read as epoch milliseconds. */
export const instantParam = z.string().transform((raw, ctx) => {
  const ms = parseInstantMs(raw);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time or Unix seconds' });
    return z.NEVER;
  }
  return ms;
});

/** `limit`, `before`, `after`, `fields`: the parameters of every history list. */
export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.string().max(512).optional(),
  after: z.string().max(512).optional(),
  fields: z.string().optional(),
};

/**
 * A customer's number as clients write it (`+1 415-555-0123`), read as wa_id digits: the docs say
 * the server normalises it (kapso-api.md §6.3.1).
 */
export const customerPhoneParam = z
  .string()
  .transform((raw) => raw.replace(/[\s()+\-.]/g, ''))
  .pipe(z.string().regex(/^\d{1,20}$/, 'must be a phone number in international format'));

export const phoneNumberParams = z.object({ version: z.string(), phoneNumberId: z.string().min(1).max(64) });

/** A business-scoped user id as Meta gives it: kept verbatim, since a changed one names no one. */
export const bsuidParam = z.string().trim().min(1).max(256);

/**
 * A customer in a path: a phone number (normalised as customerPhoneParam) or a BSUID (anything
 * with a letter in it, kept verbatim), told apart so each is looked up by its own key.
 */
export const customerParam = z
  .string()
  .min(1)
  .max(256)
  .transform((raw): { waId: string } | { bsuid: string } => (/[A-Za-z]/.test(raw) ? { bsuid: raw } : { waId: raw.replace(/[\s()+\-.]/g, '') }))
  .refine((c) => !('waId' in c) || /^\d{1,20}$/.test(c.waId), 'must be a phone number in international format or a business-scoped user id');

/** The `paging` block of every history list (kapso-api.md §3): `null` toward a side with no rows. */
export const pagingSchema = z
  .object({
    cursors: z.object({ before: z.string().nullable(), after: z.string().nullable() }),
    next: z.string().nullable().meta({ description: 'The next (older) page as a full URL on PUBLIC_URL.' }),
    previous: z.string().nullable().meta({ description: 'The previous (newer) page as a full URL.' }),
  })
  .meta({ id: 'Paging' });

/** The `meta` block of a Platform API page (kapso-api.md §6.1): page numbers, not cursors. */
export const platformPageMetaSchema = z.object({ page: z.number().int(), per_page: z.number().int(), total_pages: z.number().int(), total_count: z.number().int() });
