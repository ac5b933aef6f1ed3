import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { parseParam } from '../validate/zod-details.ts';
import { requireNumber } from './graph-auth.ts';

const sixDigits = z.string().regex(/^\d{6}$/, { message: 'Param {param} must be a 6-digit code.' });
const requestCodeSchema = z.looseObject({ code_method: z.enum(['SMS', 'VOICE']), language: z.string().min(2) });
const verifyCodeSchema = z.looseObject({ code: sixDigits });
const registerSchema = z.looseObject({ messaging_product: z.literal('whatsapp'), pin: sixDigits, data_localization_region: z.string().length(2).optional() });

/**
 * A number's registration (kapso-api.md §6.6): request and verify a code, register with the
 * two-step PIN, deregister; each answers `{success: true}`. The first PIN a number registers with
 * becomes its two-step PIN, and a later register with another answers 133005 (meta-cloud-api.md
 * §4.2). Any well-formed code verifies: the simulator sends no SMS to check it against.
 */
export async function registrationRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  const pins = new Map<string, string>();
  const numberOf = (request: FastifyRequest) => requireNumber(ctx, request, (request.params as { id: string }).id);

  app.post('/:version/:id/request_code', async (request) => {
    numberOf(request);
    parseParam(requestCodeSchema, request.body ?? {}, '');
    return { success: true };
  });
  app.post('/:version/:id/verify_code', async (request) => {
    numberOf(request);
    parseParam(verifyCodeSchema, request.body ?? {}, '');
    return { success: true };
  });
  app.post('/:version/:id/register', async (request) => {
    const number = numberOf(request);
    const { pin } = parseParam(registerSchema, request.body ?? {}, '');
    const known = pins.get(number.phoneNumberId);
    if (known !== undefined && known !== pin) throw simErrors.meta(133005);
    pins.set(number.phoneNumberId, pin);
    return { success: true };
  });
  app.post('/:version/:id/deregister', async (request) => {
    numberOf(request);
    return { success: true };
  });
}
