import type { Selectable } from 'kysely';

/* The tables of WhatsApp Calling and Flows (part of schema.ts's DB). */

/** A WhatsApp Flow a project may act on, and the WABA it belongs to (migration 015). */
export interface FlowsTable {
  project_id: string;
  /** Meta's flow id. */
  flow_id: string;
  waba_id: string;
  recorded_at: number;
}

/** One WhatsApp call of a number (migration 013): the call log of kapso-api.md §6.7.2. */
export interface CallsTable {
  /** Our UUID (time-ordered): Kapso's `id`. */
  id: string;
  phone_number_id: string;
  /** Meta's call id, `wacid.…`. Unique per number. */
  call_id: string;
  direction: 'inbound' | 'outbound';
  status: 'initiated' | 'ringing' | 'answered' | 'completed' | 'failed';
  /** The customer's wa_id (digits), or their business-scoped id when only that is known. */
  user_wa_id: string | null;
  whatsapp_contact_id: string | null;
  whatsapp_conversation_id: string | null;
  duration_seconds: number | null;
  biz_opaque_callback_data: string | null;
  started_at: number;
  /** When the call was answered (media flowing); null for calls never answered. */
  session_started_at: number | null;
  ended_at: number | null;
  created_at: number;
  updated_at: number;
}

export type CallRow = Selectable<CallsTable>;
