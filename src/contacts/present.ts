import { readJson } from '../db/json.ts';
import type { ContactRow } from '../db/schema.ts';
import { formatInstant } from '../http/instants.ts';
import type { ContactObject } from './schemas.ts';

/**
 * Renders a stored contact as Kapso's contact object (kapso-api.md §6.3). `fields` is accepted
 * and ignored on contacts: no contact extension keys are documented (§2.6).
 */
export function presentContact(row: ContactRow): ContactObject {
  return {
    id: row.id,
    // Null for a customer known only by BSUID (kapso-api.md §1.4).
    wa_id: row.wa_id,
    business_scoped_user_id: row.business_scoped_user_id,
    parent_business_scoped_user_id: row.parent_business_scoped_user_id,
    username: row.username,
    country_code: row.country_code,
    profile_name: row.profile_name,
    display_name: row.display_name,
    customer_id: row.customer_id,
    metadata: readJson(row.metadata) ?? {},
    created_at: formatInstant(row.created_at),
    updated_at: formatInstant(row.updated_at),
  };
}
