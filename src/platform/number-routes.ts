import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { removePhoneNumber, updatePhoneNumber } from '../tenants/manage-numbers.ts';
import type { FieldNamer } from '../tenants/number-fields.ts';
import { presentPlatformPhoneNumber } from './present.ts';
import { removePhoneNumberSchema, updatePhoneNumberSchema } from './number-schemas.ts';

const NUMBER = '/platform/v1/whatsapp/phone_numbers/:phone_number_id';

/** Domain refusals name the JSON parameter (the schema refuses the same things first). */
const jsonName: FieldNamer = (field) => `whatsapp_phone_number.${field}`;

/**
 * Rotating a number's secrets and removing it (docs/api.md "Phone numbers"), registered inside
 * platformRoutes' authenticated scope. Another project's number answers 404 like an unknown one.
 */
export async function phoneNumberRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.patch(NUMBER, { schema: updatePhoneNumberSchema }, async (request) => {
    const id = request.params.phone_number_id;
    const b = request.body.whatsapp_phone_number;
    const changes = {
      accessToken: b.access_token,
      appSecret: b.app_secret,
      verifyToken: b.webhook_verify_token,
      wabaId: b.business_account_id,
      displayPhoneNumber: b.display_phone_number,
      maxMessagesPerSecond: b.max_messages_per_second,
      messagingLimit: b.messaging_limit,
    };
    const row = await updatePhoneNumber(deps, id, changes, { projectId: request.projectId, name: jsonName });
    if (!row) throw errors.notFound('phone number', id);
    return { data: presentPlatformPhoneNumber(row) };
  });

  r.delete(NUMBER, { schema: removePhoneNumberSchema }, async (request) => {
    const id = request.params.phone_number_id;
    const history = request.query.history === 'keep' ? ('kept' as const) : ('deleted' as const);
    if (!(await removePhoneNumber(deps, id, history, { projectId: request.projectId }))) throw errors.notFound('phone number', id);
    return { data: { removed: true as const, history } };
  });
}
