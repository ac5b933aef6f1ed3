import type { EventRow } from '../db/schema.ts';

/**
 * `whatsapp.phone_number.created` / `deleted` (kapso-api.md §8.4): the number and its project,
 * rendered at fan-out. Pure.
 */
export function renderPhoneNumberEvent(event: EventRow, projectId: string): string {
  return JSON.stringify({ phone_number_id: event.phone_number_id, project: { id: projectId } });
}
