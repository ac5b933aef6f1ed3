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

/** A customer's current conversation, with its id. */
export interface CurrentConversationRef extends CurrentConversation {
  id: string;
}

/** Where a message goes: the conversation it joins or opens, and the one it ended (gone quiet). */
export interface ConversationChoice {
  conversationId: string;
  opened: boolean;
  /** The active conversation this message superseded; null when it joined, or the last had ended. */
  endedId: string | null;
}

/**
 * Places messages in their customers' conversations, in order, each on what the ones before it
 * did: a message that joins moves its conversation's activity forward; one that opens makes the
 * new conversation (id from `newId`) the current one, so the customer's next message joins it.
 * `current`: each customer's current conversation before the first message (by the caller's
 * customer key), left untouched.
 */
export function chooseConversations(
  messages: ReadonlyArray<{ customer: string; atMs: number; inactivityMs: number }>,
  current: ReadonlyMap<string, CurrentConversationRef>,
  newId: () => string,
): ConversationChoice[] {
  // Copies, changed in place as the messages go: the caller's map is left as it was.
  const now = new Map([...current].map(([customer, c]) => [customer, { ...c }]));
  return messages.map(({ customer, atMs, inactivityMs }) => {
    const conversation = now.get(customer);
    if (conversation && decideConversation(conversation, atMs, inactivityMs) === 'join') {
      if (atMs > conversation.last_active_at) conversation.last_active_at = atMs;
      return { conversationId: conversation.id, opened: false, endedId: null };
    }
    now.set(customer, { id: newId(), status: 'active', last_active_at: atMs });
    return { conversationId: (now.get(customer) as CurrentConversationRef).id, opened: true, endedId: conversation?.status === 'active' ? conversation.id : null };
  });
}
