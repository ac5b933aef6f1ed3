import type { CallDirection, CallStatus } from './call-status.ts';

/** One thing learned about a call, from a `calls` webhook or from our own `connect`. Pure data. */
export interface CallEvent {
  phoneNumberId: string;
  /** Meta's call id (`wacid.…`). */
  callId: string;
  direction: CallDirection;
  status: CallStatus;
  /** The customer: the caller of an inbound call, the callee of an outbound one. */
  userWaId: string | null;
  /** When it happened, epoch milliseconds (the webhook's `timestamp`). */
  atMs: number;
  /** When the call began, if the event says (terminate's `start_time`). */
  startedAtMs: number | null;
  /** When media started flowing, if the event says (an answer). */
  sessionStartedAtMs: number | null;
  endedAtMs: number | null;
  durationSeconds: number | null;
  bizOpaqueCallbackData: string | null;
}
