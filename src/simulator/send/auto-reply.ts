import type { SimContext } from '../context.ts';
import type { InboundMessageInput } from '../inbound/inbound-message.ts';
import { injectInbound } from '../inbound/inject-inbound.ts';
import type { SimMessage } from '../state.ts';
import type { StatusTiming } from './status-timing.ts';
import { between } from './status-timing.ts';

/** What customers who answer a template write (picked with the seeded dice). */
const answers = ['Thanks!', 'Yes, please', 'How much is it?', 'Who is this?', 'Not now, thanks', 'Can you call me later?'];

/** One accepted message as the customer's answer sees it. */
export interface AnswerInput {
  message: SimMessage;
  timing: StatusTiming;
  willFail: boolean;
  /** The customer answers templates (`answers`, scripted or drawn from `answerShare`). */
  answersTemplates: boolean;
}

/**
 * Lets the customer answer an accepted message: the `autoReply` function when there is one,
 * once the message is read (or delivered, for customers who never read); else a customer who
 * answers writes a short text some seconds (`answerDelayMs`) after reading a template. Only
 * templates get such answers, so that two bots never talk to each other forever. Failed
 * messages and reactions get no answer. The answer is an ordinary injected inbound message, so
 * it opens the window and is signed and logged like any other.
 */
export function scheduleAutoReply(ctx: SimContext, input: AnswerInput): void {
  const { message, timing } = input;
  if (input.willFail || message.type === 'reaction') return;
  const { autoReply } = ctx.options;
  const deliveredAt = Math.max(timing.delays.sent, timing.delays.delivered);
  const seenAt = timing.reads ? Math.max(deliveredAt, timing.delays.read) : deliveredAt;
  let reply: InboundMessageInput | null | undefined;
  let delayMs = seenAt;
  if (autoReply) {
    reply = autoReply(message);
  } else if (input.answersTemplates && message.type === 'template') {
    delayMs = seenAt + between(ctx.statusDice, ctx.options.answerDelayMs);
    reply = { type: 'text', text: { body: answers[ctx.statusDice.int(answers.length)] as string } };
  }
  if (!reply) return;
  const answer = reply;
  ctx.scheduler.later(delayMs, () => {
    try {
      injectInbound(ctx, { phone_number_id: message.phoneNumberId, from: message.waId, message: answer }, ctx.options.publicUrl);
    } catch (err) {
      // The number may be gone after a reset; an answer nobody can receive is dropped.
      ctx.log?.warn({ err, wamid: message.id }, 'auto reply dropped');
    }
  });
}
