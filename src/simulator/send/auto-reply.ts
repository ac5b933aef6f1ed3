import type { SimContext } from '../context.ts';
import { injectInbound } from '../inbound/inject-inbound.ts';
import type { SimMessage } from '../state.ts';

/**
 * Lets the `autoReply` customer answer an accepted message once it has been read (or delivered,
 * for customers who never read); failed messages get no answer. The answer is an ordinary
 * injected inbound message, so it opens the window and is signed and logged like any other.
 */
export function scheduleAutoReply(ctx: SimContext, message: SimMessage, willFail: boolean): void {
  const { autoReply, statusDelaysMs: delays } = ctx.options;
  if (!autoReply || willFail || message.type === 'reaction') return;
  const reply = autoReply(message);
  if (!reply) return;
  const deliveredAt = Math.max(delays.sent, delays.delivered);
  const delayMs = ctx.state.recipient(message.waId).read ? Math.max(deliveredAt, delays.read) : deliveredAt;
  ctx.scheduler.later(delayMs, () => {
    try {
      injectInbound(ctx, { phone_number_id: message.phoneNumberId, from: message.waId, message: reply }, ctx.options.publicUrl);
    } catch (err) {
      // The number may be gone after a reset; an answer nobody can receive is dropped.
      ctx.log?.warn({ err, wamid: message.id }, 'auto reply dropped');
    }
  });
}
