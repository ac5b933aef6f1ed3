import type { ColumnType, Generated, Selectable } from 'kysely';
import type { JsonColumn } from './schema.ts';

/* The tables of sending: the numbers' shared send budgets and broadcasts (part of schema.ts's DB). */

/** A number's send window shared by every process on PostgreSQL (pacing/send-window.ts). */
export interface SendBudgetsTable {
  phone_number_id: string;
  tokens: number;
  refilled_at: number;
  factor: number;
  factor_at: number;
  /** JSON array of epoch ms: when each send still on its way was granted. */
  on_their_way: ColumnType<string, string | undefined, string>;
  /** JSON array of epoch ms: when the sends of the last second were answered. */
  answered: ColumnType<string, string | undefined, string>;
  /** Moved on by every write: a process writes the window only as it read it (compare-and-set). */
  version: ColumnType<number, number | undefined, number>;
}

/** Where a broadcast is in its lifecycle (kapso-broadcasts.md §3). */
export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'completed' | 'stopped' | 'failed';

/** A recipient's send state; delivered, read and replied are timestamps, not states (§2.3). */
export type BroadcastRecipientStatus = 'pending' | 'sent' | 'failed';

/** A Kapso-compatible broadcast (migration 017), its counters kept with every recipient change (§4). */
export interface BroadcastsTable {
  id: string;
  project_id: string;
  phone_number_id: string;
  name: string;
  status: BroadcastStatus;
  /** The template as Meta returned it when the broadcast was created (kapso-broadcasts.md §2.2). */
  template: JsonColumn;
  scheduled_at: number | null;
  started_at: number | null;
  stopped_at: number | null;
  completed_at: number | null;
  /** Why the worker gave the whole broadcast up (status `failed`, §8.3.7). */
  failure_reason: string | null;
  created_at: number;
  updated_at: number;
  total_recipients: Generated<number>;
  pending_count: Generated<number>;
  sent_count: Generated<number>;
  failed_count: Generated<number>;
  delivered_count: Generated<number>;
  read_count: Generated<number>;
  responded_count: Generated<number>;
}

/** One recipient of a broadcast, and the worker's job to send it (§2.3, §8.3). */
export interface BroadcastRecipientsTable {
  seq: Generated<number>;
  id: string;
  broadcast_id: string;
  /** The broadcast's sending number, copied so due recipients are claimed per number. */
  phone_number_id: string;
  /** Digits only, no `+`. */
  phone_number: string;
  /** Meta send-time `components` as given (§2.4). */
  components: JsonColumn;
  status: BroadcastRecipientStatus;
  /** Sent to Meta as `biz_opaque_callback_data`; status webhooks carry it back. */
  send_tag: string;
  wamid: string | null;
  attempts: Generated<number>;
  next_attempt_at: number;
  locked_by: string | null;
  locked_until: number | null;
  /** A send whose answer was lost: it may have reached Meta, so it is not sent again blindly. */
  outcome_unknown_at: number | null;
  sent_at: number | null;
  delivered_at: number | null;
  read_at: number | null;
  failed_at: number | null;
  responded_at: number | null;
  error_message: string | null;
  error_details: JsonColumn | null;
  created_at: number;
  updated_at: number;
}

/** A number a project never broadcasts to (migration 017). */
export interface BroadcastSuppressionsTable {
  project_id: string;
  wa_id: string;
  reason: string;
  /** Meta's error code that caused it (131050: opted out of marketing), when one did. */
  error_code: number | null;
  source: string;
  created_at: number;
}

export type BroadcastRow = Selectable<BroadcastsTable>;
export type BroadcastRecipientRow = Selectable<BroadcastRecipientsTable>;
export type BroadcastSuppressionRow = Selectable<BroadcastSuppressionsTable>;
