import { z } from 'zod';

/**
 * The `template` object of a template send (meta-cloud-api.md §2.3). Parameters pass through
 * loosely: Meta's parameter types (text, currency, date_time, media, location, payload …) grow
 * over time; the parameter count and format are checked against the stored template instead.
 */
const parameter = z.looseObject({
  type: z.string().min(1),
  parameter_name: z.string().min(1).optional(),
});

const component = z.looseObject({
  type: z.enum(['header', 'body', 'button', 'footer', 'carousel', 'limited_time_offer']),
  sub_type: z.string().min(1).optional(),
  index: z.union([z.string(), z.number()]).optional(),
  parameters: z.array(parameter).optional(),
});

export const templateSendSchema = z.looseObject({
  name: z.string().min(1).max(512),
  language: z.looseObject({ code: z.string().min(2), policy: z.literal('deterministic').optional() }),
  components: z.array(component).optional(),
});

export type TemplateSend = z.infer<typeof templateSendSchema>;
