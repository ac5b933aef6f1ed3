import type { FastifyInstance } from 'fastify';
import { originOf, type SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { presentFlow } from '../flows/flow-fields.ts';
import { findMedia, mediaMetadata } from '../media/media-service.ts';
import type { SimNumber } from '../state.ts';
import { presentTemplate } from '../templates/template-listing.ts';
import { editTemplate } from '../templates/template-service.ts';
import { authenticate, canReachWaba } from './graph-auth.ts';

/**
 * `GET`/`DELETE`/`POST /{version}/{id}`: Graph addresses media, templates, flows and phone numbers
 * by bare id (meta-cloud-api.md §3, §6.2, §6.3; kapso-api.md §6.8). An id the caller cannot reach does not exist:
 * 400, code 100, subcode 33.
 */
export async function objectRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  const wabaOfNumber = (phoneNumberId: string) => ctx.state.numbers.get(phoneNumberId)?.wabaId;

  app.get('/:version/:id', async (request) => {
    const { id } = request.params as { id: string };
    const query = request.query as { fields?: string; phone_number_id?: string; phoneNumberId?: string };
    const allowed = authenticate(ctx, request);
    const media = findMedia(ctx, id);
    // With phone_number_id, the media must belong to that number (§3).
    const scopedTo = query.phone_number_id ?? query.phoneNumberId;
    if (media && canReachWaba(allowed, wabaOfNumber(media.phoneNumberId)) && (scopedTo === undefined || scopedTo === media.phoneNumberId)) {
      return mediaMetadata(ctx, media, originOf(ctx, request));
    }
    const template = ctx.state.templates.get(id);
    if (template && canReachWaba(allowed, template.wabaId)) return presentTemplate(template, query.fields);
    const flow = ctx.state.flows.get(id);
    if (flow && canReachWaba(allowed, flow.wabaId)) return presentFlow(ctx, flow, query.fields);
    const number = ctx.state.numbers.get(id);
    if (number && allowed.includes(number)) return presentPhoneNumber(ctx, number, query.fields);
    throw simErrors.unknownObject('GET', id);
  });

  app.delete('/:version/:id', async (request) => {
    const { id } = request.params as { id: string };
    const allowed = authenticate(ctx, request);
    const media = findMedia(ctx, id);
    if (!media || !canReachWaba(allowed, wabaOfNumber(media.phoneNumberId))) throw simErrors.unknownObject('DELETE', id);
    ctx.state.media.delete(id);
    return { success: true };
  });

  app.post('/:version/:id', async (request) => {
    const { id } = request.params as { id: string };
    const allowed = authenticate(ctx, request);
    const template = ctx.state.templates.get(id);
    if (!template || !canReachWaba(allowed, template.wabaId)) throw simErrors.unknownObject('POST', id);
    return editTemplate(ctx, template, request.body);
  });
}

/** `GET /{phone_number_id}` with the fields businesses usually read (§5.1, §5.4). */
function presentPhoneNumber(ctx: SimContext, number: SimNumber, fields: string | undefined): Record<string, unknown> {
  const full: Record<string, unknown> = {
    verified_name: number.verifiedName,
    display_phone_number: `+${number.displayPhoneNumber}`,
    quality_rating: 'GREEN',
    code_verification_status: 'VERIFIED',
    platform_type: 'CLOUD_API',
    throughput: { level: ctx.options.maxMessagesPerSecond >= 1000 ? 'HIGH' : 'STANDARD' },
    whatsapp_business_manager_messaging_limit: number.messagingLimitTier ?? 'TIER_UNLIMITED',
    // Deprecated by Meta, still answered: older clients ask for it.
    messaging_limit_tier: number.messagingLimitTier ?? 'TIER_UNLIMITED',
    id: number.phoneNumberId,
  };
  if (!fields) return Object.fromEntries(Object.entries(full).filter(([k]) => ['verified_name', 'display_phone_number', 'quality_rating', 'code_verification_status', 'id'].includes(k)));
  const wanted = new Set([...fields.split(',').map((f) => f.trim()), 'id']);
  return Object.fromEntries(Object.entries(full).filter(([k]) => wanted.has(k)));
}
