import { formatInstant, formatOptionalInstant } from '../http/instants.ts';
import { whatsappConfigId } from '../tenants/config-id.ts';
import type { CallView } from './store.ts';
import type { CallObject } from './schemas.ts';

/**
 * Renders a logged call as Kapso's call item (kapso-api.md §6.7.2): `id` is ours (UUID),
 * `call_id` Meta's. Voice agents are Kapso's product, not the gateway's: those keys are absent.
 */
export function presentCall(row: CallView, projectId: string): CallObject {
  return {
    id: row.id,
    call_id: row.call_id,
    direction: row.direction,
    status: row.status,
    duration_seconds: row.duration_seconds,
    started_at: formatInstant(row.started_at),
    ended_at: formatOptionalInstant(row.ended_at),
    session_started_at: formatOptionalInstant(row.session_started_at),
    created_at: formatInstant(row.created_at),
    updated_at: formatInstant(row.updated_at),
    user_wa_id: row.user_wa_id,
    whatsapp_contact_id: row.whatsapp_contact_id,
    whatsapp_conversation_id: row.whatsapp_conversation_id,
    biz_opaque_callback_data: row.biz_opaque_callback_data,
    project_id: projectId,
    whatsapp_config_id: whatsappConfigId(row.phone_number_id),
    config_display_phone_number: row.display_phone_number,
    phone_number_id: row.phone_number_id,
    whatsapp_contact:
      row.whatsapp_contact_id === null || row.contact_wa_id === null
        ? null
        : { id: row.whatsapp_contact_id, wa_id: row.contact_wa_id, profile_name: row.contact_profile_name, display_name: row.contact_display_name },
  };
}
