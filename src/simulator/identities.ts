import { createHash } from 'node:crypto';
import type { SimContext } from './context.ts';

/**
 * A simulated customer's identity besides their phone, once usernames exist (meta-cloud-api.md
 * §1.5): a business-scoped user id (BSUID), a username, and whether the business may still see
 * the phone (when not, webhooks carry an empty `wa_id` and `from`).
 */
export interface SimIdentity {
  bsuid: string;
  username: string;
  hidePhone: boolean;
}

/** Meta's BSUID shape as SDK 0.3.0 checks it: a country code, a dot, up to 128 alphanumerics. */
export const BSUID_PATTERN = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/**
 * The identity of the customer with this phone: one given through the control API, else, for
 * the configured share of customers (`bsuidShare`, `hiddenPhoneShare`), one drawn from the phone
 * and the seed, so a customer keeps it for the whole run and a seeded run repeats it. Undefined
 * for a customer known by phone alone.
 */
export function identityOf(ctx: SimContext, waId: string): SimIdentity | undefined {
  const known = ctx.state.identities.get(waId);
  if (known) return known;
  const { bsuidShare, hiddenPhoneShare } = ctx.options;
  if (bsuidShare <= 0 || draw(ctx, waId, 'bsuid') >= bsuidShare) return undefined;
  return setIdentity(ctx, waId, { bsuid: bsuidFor(ctx, waId), username: `user${waId.slice(-4)}`, hidePhone: draw(ctx, waId, 'hide') < hiddenPhoneShare });
}

/** Gives a customer an identity (control API), replacing any drawn one. */
export function setIdentity(ctx: SimContext, waId: string, identity: SimIdentity): SimIdentity {
  ctx.state.identities.set(waId, identity);
  ctx.state.phonesByBsuid.set(identity.bsuid, waId);
  return identity;
}

/** The phone of the customer with this BSUID, when the simulator gave it to one. */
export function phoneOfBsuid(ctx: SimContext, bsuid: string): string | undefined {
  return ctx.state.phonesByBsuid.get(bsuid);
}

/** A stable BSUID for a phone: `US.` and 32 hex digits of its hash with the seed. */
function bsuidFor(ctx: SimContext, waId: string): string {
  return `US.${hash(ctx, waId, 'id').slice(0, 32)}`;
}

/** A number in [0, 1) fixed by the seed, the phone and what it is drawn for. */
function draw(ctx: SimContext, waId: string, purpose: string): number {
  return Number.parseInt(hash(ctx, waId, purpose).slice(0, 8), 16) / 2 ** 32;
}

function hash(ctx: SimContext, waId: string, purpose: string): string {
  return createHash('sha256').update(`${ctx.options.seed ?? 0}:${purpose}:${waId}`).digest('hex');
}
