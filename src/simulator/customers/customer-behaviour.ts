import type { SimContext } from '../context.ts';
import { seededUnit } from '../random.ts';
import type { RecipientBehaviour } from '../state.ts';

/** Input of `POST /_simulator/recipients/{wa_id}` and of the `recipients` option. */
export interface RecipientInput {
  fail_with?: number | null;
  fail_after?: RecipientBehaviour['failAfter'];
  read?: boolean;
  on_whatsapp?: boolean;
  /** true: refuses marketing from every number; a list: from these phone number ids only. */
  marketing_opt_out?: boolean | string[];
  answers?: boolean;
}

/** A script as stored: what is not said is the ordinary customer (on WhatsApp, reads, no opt-out). */
export function behaviourOf(input: RecipientInput): RecipientBehaviour {
  return {
    failAfter: input.fail_after ?? 'accepted',
    read: input.read ?? true,
    onWhatsApp: input.on_whatsapp ?? true,
    marketingOptOut: input.marketing_opt_out ?? false,
    answers: input.answers ?? false,
    ...(input.fail_with !== undefined && input.fail_with !== null ? { failWith: input.fail_with } : {}),
  };
}

/** A behaviour in the control API's words. */
export function presentBehaviour(waId: string, behaviour: RecipientBehaviour, scripted: boolean): Record<string, unknown> {
  return {
    wa_id: waId,
    fail_with: behaviour.failWith ?? null,
    fail_after: behaviour.failAfter,
    read: behaviour.read,
    on_whatsapp: behaviour.onWhatsApp,
    marketing_opt_out: behaviour.marketingOptOut,
    answers: behaviour.answers,
    scripted,
  };
}

/**
 * How a customer behaves: as scripted (control API or the `recipients` option), else drawn for
 * this customer from the configured shares. Each trait is a seeded function of the wa_id, not a
 * draw from a stream, so the same customers are unknown or opted out whatever the send order.
 */
export function customerOf(ctx: SimContext, waId: string): { behaviour: RecipientBehaviour; scripted: boolean } {
  const scripted = ctx.state.recipients.get(waId);
  if (scripted) return { behaviour: scripted, scripted: true };
  const { notOnWhatsAppShare, marketingOptOutShare, answerShare } = ctx.options;
  const drawn = (trait: string, share: number) => share > 0 && seededUnit(ctx.customerSeed, `${trait}:${waId}`) < share;
  return {
    behaviour: {
      failAfter: 'accepted',
      read: true,
      onWhatsApp: !drawn('not-on-whatsapp', notOnWhatsAppShare),
      marketingOptOut: drawn('marketing-opt-out', marketingOptOutShare),
      answers: drawn('answers', answerShare),
    },
    scripted: false,
  };
}

/** Whether the customer refuses MARKETING templates from this number (131050). */
export function refusesMarketingFrom(behaviour: RecipientBehaviour, phoneNumberId: string): boolean {
  const optOut = behaviour.marketingOptOut;
  return optOut === true || (Array.isArray(optOut) && optOut.includes(phoneNumberId));
}
