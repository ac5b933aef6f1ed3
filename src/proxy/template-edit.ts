import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { graphPath, isGraphId } from '../graph/graph-path.ts';
import { replyWithAnswer } from './answer.ts';
import { searchTemplateUnderWaba } from './template-owner.ts';

/**
 * What a template edit may change (meta-cloud-api.md §6.3: category, components, time-to-live;
 * the parameter format and link tracking beside them). Kapso's `PUT` form sends the create body
 * (kapso-api.md §6.5): its `name`, `language` and `allow_category_change` are dropped, since an
 * edit cannot rename a template; only these fields reach Meta.
 */
export const templateEditSchema = z
  .object({
    category: z.string().min(1).max(32).optional(),
    components: z.array(z.record(z.string(), z.unknown())).min(1).max(20).optional(),
    message_send_ttl_seconds: z.number().int().optional(),
    parameter_format: z.string().min(1).max(16).optional(),
    cta_url_link_tracking_opted_out: z.boolean().optional(),
  })
  .refine((edit) => edit.category !== undefined || edit.components !== undefined || edit.message_send_ttl_seconds !== undefined, {
    message: 'An edit changes category, components or message_send_ttl_seconds.',
  });

export type TemplateEdit = z.infer<typeof templateEditSchema>;

/**
 * Edits a template with Meta's `POST /{template_id}` (§6.3) once Meta lists it under one of the
 * candidate numbers' WABAs (template-owner.ts), with that number's token. A template found under
 * none answers as an unknown one and no edit is sent.
 */
export async function editTemplate(
  deps: Pick<Deps, 'cipher' | 'graph' | 'config'>,
  reply: FastifyReply,
  candidates: readonly PhoneNumberRow[],
  version: string,
  templateId: string,
  edit: TemplateEdit,
): Promise<FastifyReply> {
  if (!isGraphId(templateId)) throw errors.notFound('template', templateId);
  for (const number of onePerWaba(candidates)) {
    const search = await searchTemplateUnderWaba(deps, number, version, templateId, reply.request.id);
    if ('refusal' in search) return replyWithAnswer(reply, search.refusal);
    if (!search.found) continue;
    const answer = await callAsNumber(deps, number, 'POST', graphPath(version, [templateId]), { body: JSON.stringify(edit), contentType: 'application/json' }, reply.request.id);
    return replyWithAnswer(reply, answer);
  }
  throw errors.notFound('template', templateId);
}

/** The first number of each WABA: one search per WABA is enough. */
function onePerWaba(numbers: readonly PhoneNumberRow[]): PhoneNumberRow[] {
  const seen = new Set<string>();
  return numbers.filter((n) => !seen.has(n.waba_id) && seen.add(n.waba_id));
}
