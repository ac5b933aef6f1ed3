import type { FastifyInstance } from 'fastify';
import { originOf, type SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { listTemplates, presentTemplate, type TemplateQuery } from '../templates/template-listing.ts';
import { createTemplate, deleteTemplates } from '../templates/template-service.ts';
import { requireWaba } from './graph-auth.ts';

/** `GET`/`POST`/`DELETE /{version}/{waba_id}/message_templates` (meta-cloud-api.md §6.1–§6.4). */
export async function templateRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  app.get('/:version/:id/message_templates', async (request) => {
    const { version, id } = request.params as { version: string; id: string };
    requireWaba(ctx, request, id);
    const raw = request.query as Record<string, string | undefined>;
    const query: TemplateQuery = { ...raw, ...(raw.limit !== undefined ? { limit: Number(raw.limit) || 25 } : {}) } as TemplateQuery;
    const base = `${originOf(ctx, request)}/${version}/${id}/message_templates`;
    return listTemplates(ctx.state.templatesOf(id), query, (cursor) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries({ ...raw, after: undefined, before: undefined, access_token: undefined, ...cursor })) {
        if (value !== undefined) params.set(key, String(value));
      }
      return `${base}?${params.toString()}`;
    });
  });

  // Kapso's SDK reads one template under its WABA (`templates.get`, kapso-api.md §6.5): answered
  // like `GET /{template_id}`, for a template of that very WABA only.
  app.get('/:version/:id/message_templates/:templateId', async (request) => {
    const { id, templateId } = request.params as { id: string; templateId: string };
    requireWaba(ctx, request, id);
    const template = ctx.state.templates.get(templateId);
    if (!template || template.wabaId !== id) throw simErrors.unknownObject('GET', templateId);
    return presentTemplate(template, (request.query as { fields?: string }).fields);
  });

  app.post('/:version/:id/message_templates', async (request) => {
    const { id } = request.params as { id: string };
    requireWaba(ctx, request, id);
    return createTemplate(ctx, id, request.body);
  });

  app.delete('/:version/:id/message_templates', async (request) => {
    const { id } = request.params as { id: string };
    requireWaba(ctx, request, id);
    const query = request.query as { name?: string; hsm_id?: string };
    return deleteTemplates(ctx, id, query.name, query.hsm_id);
  });
}
