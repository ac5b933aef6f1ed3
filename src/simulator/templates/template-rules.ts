import { z } from 'zod';
import { parseParam } from '../validate/zod-details.ts';

/**
 * Template creation rules (meta-cloud-api.md §6.1, §2.5) and the read-side normalisation of
 * §6.2: requests may use any case, stored templates use uppercase enums.
 */
const upper = <const T extends readonly [string, ...string[]]>(values: T) => z.string().transform((s) => s.toUpperCase()).pipe(z.enum(values));

const button = z.looseObject({ type: upper(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG', 'MPM', 'VOICE_CALL']), text: z.string().min(1).max(25).optional() });

const component = z
  .looseObject({
    type: upper(['HEADER', 'BODY', 'FOOTER', 'BUTTONS', 'CAROUSEL', 'LIMITED_TIME_OFFER']),
    format: upper(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']).optional(),
    text: z.string().min(1).optional(),
    buttons: z.array(button).min(1).max(10).optional(),
  })
  .refine((c) => !(c.type === 'BODY' && (c.text?.length ?? 0) > 1024), { message: 'Param {param} must have a body text of at most 1024 characters.' })
  .refine((c) => !((c.type === 'FOOTER' || c.type === 'HEADER') && (c.text?.length ?? 0) > 60), { message: 'Param {param} must have a text of at most 60 characters.' });

export const templateCreateSchema = z
  .looseObject({
    name: z
      .string()
      .min(1)
      .max(512)
      .regex(/^[a-z0-9_]+$/, { message: 'Param {param} must contain only lowercase letters, digits and underscores.' }),
    language: z.string().min(2),
    category: upper(['AUTHENTICATION', 'MARKETING', 'UTILITY']),
    parameter_format: upper(['NAMED', 'POSITIONAL']).optional(),
    components: z.array(component).min(1),
  })
  .refine((t) => t.category === 'AUTHENTICATION' || t.components.some((c) => c.type === 'BODY' && c.text), {
    message: 'The parameter {param}[\'components\'] must contain a BODY component with text.',
  });

export type TemplateCreate = z.infer<typeof templateCreateSchema>;

/** Validates a create (or edit) body: code 100 naming the parameter otherwise. */
export function parseTemplateCreate(body: unknown): TemplateCreate {
  return parseParam(templateCreateSchema, body, '');
}

/** Components in the read-side shape: uppercase `type`, `format` and button types. */
export function normalizeComponents(components: TemplateCreate['components']): Record<string, unknown>[] {
  return components.map((c) => ({ ...c, ...(c.buttons ? { buttons: c.buttons.map((b) => ({ ...b })) } : {}) }));
}

/** The `{{…}}` variables of a text, in order: `1`, `2` or `first_name` (§6.1). */
export function templateVariables(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((m) => m[1] as string);
}
