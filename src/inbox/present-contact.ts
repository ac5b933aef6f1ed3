import type { ContactRow } from '../db/schema.ts';

/** A contact as the inbox's contact panel shows it (docs/inbox-api.md `PATCH /contacts/:id`). Pure. */
export function presentInboxContact(row: ContactRow) {
  return {
    id: row.id,
    // The name the business gave wins over the WhatsApp profile name, as in Kapso's contact_name.
    name: row.display_name ?? row.profile_name,
    display_name: row.display_name,
    profile_name: row.profile_name,
    wa_id: row.wa_id,
    business_scoped_user_id: row.business_scoped_user_id,
    username: row.username,
    phone_number_id: row.phone_number_id,
  };
}
