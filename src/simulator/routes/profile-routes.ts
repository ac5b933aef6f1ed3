import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { requireNumber } from './graph-auth.ts';

/** Fields Meta accepts on `POST /{phone_number_id}/whatsapp_business_profile`. */
const PROFILE_FIELDS = new Set(['about', 'address', 'description', 'email', 'profile_picture_handle', 'vertical', 'websites']);

/**
 * The business profile and settings of a number (kapso-api.md §6.6): kept in memory per number,
 * read back as Meta shapes them (`{data: [profile]}` and the settings object), updated with
 * `{success: true}`. Unknown profile fields are refused with code 100, as Meta does.
 */
export async function profileRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  const profiles = new Map<string, Record<string, unknown>>();
  const settings = new Map<string, Record<string, unknown>>();

  app.get('/:version/:id/whatsapp_business_profile', async (request) => {
    const number = requireNumber(ctx, request, (request.params as { id: string }).id);
    return { data: [{ messaging_product: 'whatsapp', about: '', vertical: 'OTHER', ...profiles.get(number.phoneNumberId) }] };
  });
  app.post('/:version/:id/whatsapp_business_profile', async (request) => {
    const number = requireNumber(ctx, request, (request.params as { id: string }).id);
    const { messaging_product: product, ...fields } = (request.body ?? {}) as Record<string, unknown>;
    if (product !== 'whatsapp') throw simErrors.invalidParameter("The parameter messaging_product is required and must be 'whatsapp'.");
    const unknown = Object.keys(fields).filter((k) => !PROFILE_FIELDS.has(k));
    if (unknown.length > 0) throw simErrors.invalidParameter(`Unknown business profile field(s): ${unknown.join(', ')}.`);
    profiles.set(number.phoneNumberId, { ...profiles.get(number.phoneNumberId), ...fields });
    return { success: true };
  });
  app.get('/:version/:id/settings', async (request) => {
    const number = requireNumber(ctx, request, (request.params as { id: string }).id);
    return settings.get(number.phoneNumberId) ?? { calling: { status: 'DISABLED' }, storage_configuration: { status: 'DEFAULT' } };
  });
  app.post('/:version/:id/settings', async (request) => {
    const number = requireNumber(ctx, request, (request.params as { id: string }).id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    settings.set(number.phoneNumberId, { ...(settings.get(number.phoneNumberId) ?? {}), ...body });
    return { success: true };
  });
}
