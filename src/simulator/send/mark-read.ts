import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import type { SimNumber } from '../state.ts';

/**
 * Mark-as-read and the typing indicator (meta-cloud-api.md §2.4, §7.4): the wamid must be a
 * customer message to this number, else 131009. Marking one message marks the earlier messages
 * of that chat too. No wamid is created and no status webhook follows.
 */
export function markRead(ctx: SimContext, number: SimNumber, messageId: string, typing: boolean): { success: true } {
  const target = ctx.state.messagesById.get(messageId);
  if (!target || target.direction !== 'inbound' || target.phoneNumberId !== number.phoneNumberId) {
    throw simErrors.meta(131009, `Param message_id '${messageId}' is not a message received by this phone number.`);
  }
  for (const message of ctx.state.messages) {
    if (message.direction === 'inbound' && message.phoneNumberId === number.phoneNumberId && message.waId === target.waId && message.createdAtMs <= target.createdAtMs) {
      message.markedRead = true;
    }
  }
  if (typing) target.typingIndicator = true;
  return { success: true };
}
