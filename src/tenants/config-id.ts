import { createHash } from 'node:crypto';

/**
 * The UUID Kapso calls a number's `whatsapp_config_id` (`internal_id` on the Platform API). We key
 * numbers by Meta's phone_number_id alone, so the UUID is derived from it: stable across processes
 * and restarts, and the same wherever it appears. RFC 9562 version 8 (application-defined).
 */
export function whatsappConfigId(phoneNumberId: string): string {
  const bytes = createHash('sha256').update(`switchboard-whatsapp-config:${phoneNumberId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
