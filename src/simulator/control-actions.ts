import type { SimContext } from './context.ts';
import type { NumberInput } from './options.ts';
import { phoneDigits } from './phone.ts';
import { behaviourOf, type RecipientInput } from './customers/customer-behaviour.ts';
import type { RecipientBehaviour, SimNumber } from './state.ts';
import { seedSampleTemplate } from './templates/template-service.ts';

/**
 * The control API's actions (docs/simulator.md), callable in-process as well: what Meta's side
 * would hold (numbers, tokens, secrets) and how simulated customers behave.
 */

/** Registers (or replaces) a business number; its WABA gets Meta's `hello_world` template. */
export function registerNumber(ctx: SimContext, input: NumberInput): SimNumber {
  const number: SimNumber = {
    phoneNumberId: input.phone_number_id,
    displayPhoneNumber: phoneDigits(input.display_phone_number),
    wabaId: input.waba_id,
    accessToken: input.access_token,
    appSecret: input.app_secret,
    verifiedName: input.verified_name ?? 'Simulated Business',
    ...(input.messaging_limit_tier !== undefined ? { messagingLimitTier: input.messaging_limit_tier } : {}),
    ...(input.webhook_url !== undefined ? { webhookUrl: input.webhook_url } : {}),
  };
  ctx.state.numbers.set(number.phoneNumberId, number);
  seedSampleTemplate(ctx, number.wabaId);
  return number;
}

/** The public view of a number: no token, no secret. */
export function presentNumber(number: SimNumber): Record<string, string> {
  return {
    phone_number_id: number.phoneNumberId,
    display_phone_number: number.displayPhoneNumber,
    waba_id: number.wabaId,
    verified_name: number.verifiedName,
    ...(number.messagingLimitTier !== undefined ? { messaging_limit_tier: number.messagingLimitTier } : {}),
    ...(number.webhookUrl !== undefined ? { webhook_url: number.webhookUrl } : {}),
  };
}

export type { RecipientInput } from './customers/customer-behaviour.ts';

/**
 * Scripts a customer, replacing any script before: fail every send with a Meta code, never
 * read, not on WhatsApp, opted out of marketing, answering templates.
 */
export function setRecipient(ctx: SimContext, waId: string, input: RecipientInput): RecipientBehaviour {
  const behaviour = behaviourOf(input);
  ctx.state.recipients.set(phoneDigits(waId) || waId, behaviour);
  return behaviour;
}

/**
 * Forgets everything and cancels webhooks not yet sent, then registers the numbers and
 * customers given at start again. Deliveries already in flight finish but are neither retried nor logged.
 */
export function resetSimulator(ctx: SimContext): void {
  ctx.dispatcher.cancel();
  ctx.state.clear();
  applyStartState(ctx);
}

/** The numbers and customers the options give, registered at start and after each reset. */
export function applyStartState(ctx: SimContext): void {
  for (const number of ctx.options.numbers) registerNumber(ctx, number);
  for (const [waId, input] of Object.entries(ctx.options.recipients)) setRecipient(ctx, waId, input);
}
