/**
 * When does a message join the customer's current conversation (the one opened last), and when
 * does it open a new one?
 * (kapso-api.md §7.4, issue: "a new one when the last ended or was inactive for 24 h").
 * Activity is measured on Meta's message timestamps, not on arrival time, so a webhook Meta
 * retries hours later still lands in the conversation it belongs to.
 */
export interface CurrentConversation {
  status: 'active' | 'ended';
  last_active_at: number;
}

export type ConversationDecision = 'join' | 'open';

/** Decides whether a message at `messageAtMs` joins `current` or opens a new conversation. */
export function decideConversation(
  current: CurrentConversation | undefined,
  messageAtMs: number,
  inactivityMs: number,
): ConversationDecision {
  if (!current || current.status === 'ended') return 'open';
  return messageAtMs - current.last_active_at > inactivityMs ? 'open' : 'join';
}
