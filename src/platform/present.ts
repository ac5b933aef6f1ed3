import type { PhoneNumberRow } from '../db/schema.ts';
import { formatInstant } from '../http/instants.ts';
import { whatsappConfigId } from '../tenants/config-id.ts';
import { formatDisplayNumber } from '../tenants/number-fields.ts';
import type { PlatformPhoneNumber } from './number-schemas.ts';

/**
 * A number as the Platform API's PhoneNumber object (kapso-api.md §6.9). The inbox auto-selects
 * numbers with `status: "CONNECTED"` and `inbound_processing_enabled` not false, which every
 * registered number is here. What we do not know about a number (Meta's verified name, quality
 * rating, limits) is null rather than invented; never a secret.
 */
export function presentPlatformPhoneNumber(row: PhoneNumberRow): PlatformPhoneNumber {
  const display = formatDisplayNumber(row.display_phone_number);
  const name = row.is_sandbox ? 'Switchboard sandbox' : display;
  const createdAt = formatInstant(row.created_at);
  return {
    id: row.id,
    internal_id: whatsappConfigId(row.id),
    phone_number_id: row.id,
    name,
    business_account_id: row.waba_id,
    is_coexistence: false,
    inbound_processing_enabled: true,
    calls_enabled: false,
    webhook_verified_at: null,
    created_at: createdAt,
    updated_at: createdAt,
    customer_id: null,
    display_name: name,
    display_phone_number: display,
    display_phone_number_normalized: row.display_phone_number,
    verified_name: null,
    quality_rating: null,
    code_verification_status: null,
    name_status: null,
    status: 'CONNECTED',
    throughput_tier: null,
    // Switchboard's own: the rate its send governor holds the number to (null: SEND_DEFAULT_MPS).
    max_messages_per_second: row.max_messages_per_second,
    // Meta's tier when it was read from Meta; what the operator set is in the two fields below.
    whatsapp_business_manager_messaging_limit: row.messaging_limit_source === 'meta' ? row.messaging_limit_tier : null,
    // Switchboard's own: the tier broadcasts are held to and where it came from (null: unknown,
    // SEND_DEFAULT_MESSAGING_LIMIT applies).
    messaging_limit_tier: row.messaging_limit_tier,
    messaging_limit_source: row.messaging_limit_source,
    is_official_business_account: false,
    is_pin_enabled: false,
  };
}
