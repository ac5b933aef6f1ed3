import type { SimContext } from '../context.ts';
import type { InboundMessageInput } from '../inbound/inbound-message.ts';
import { injectInbound } from '../inbound/inject-inbound.ts';
import type { SimMessage } from '../state.ts';
import { between } from './status-timing.ts';

/** What customers who answer a template write (picked with the seeded dice). */
const answers = ['Thanks!', 'Yes, please', 'How much is it?', 'Who is this?', 'Not now, thanks', 'Can you call me later?'];

/** One accepted message as the customer's answer sees it. */
export interface AnswerInput {
  message: SimMessage;
  willFail: boolean;
  /** The customer answers templates (`answers`, scripted or drawn from `answerShare`). */
  answersTemplates: boolean;
}

/**
 * The customer's answer to an accepted message, if any, as a function to run once the customer
 * has seen it (the message's `read`, or `delivered` for customers who never read): the
 * `autoReply` function's answer, sent at once, when there is such a function; else, for a
 * customer who answers, a short text `answerDelayMs` later. Only templates get such answers, so
 * that two bots never talk to each other forever. Failed messages and reactions get no answer.
 * The answer is an ordinary injected inbound message, so it opens the window and is signed and
 * logged like any other. Everything is drawn now, at the send, so seeded runs repeat.
 */
export function prepareAnswer(ctx: SimContext, input: AnswerInput): (() => void) | undefined {
  const { message } = input;
  if (input.willFail || message.type === 'reaction') return undefined;
  const { autoReply } = ctx.options;
  let reply: InboundMessageInput | null | undefined;
  let afterSeenMs = 0;
  if (autoReply) {
    reply = autoReply(message);
  } else if (input.answersTemplates && message.type === 'template') {
    afterSeenMs = between(ctx.statusDice, ctx.options.answerDelayMs);
    reply = { type: 'text', text: { body: answers[ctx.statusDice.int(answers.length)] as string } };
  }
  if (!reply) return undefined;
  const answer = reply;
  return () =>
    ctx.scheduler.later(afterSeenMs, () => {
      try {
        injectInbound(ctx, { phone_number_id: message.phoneNumberId, from: message.waId, message: answer }, ctx.options.publicUrl);
      } catch (err) {
        // The number may be gone after a reset; an answer nobody can receive is dropped.
        ctx.log?.warn({ err, wamid: message.id }, 'auto reply dropped');
      }
    });
}
