import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { identityOf, setIdentity, type SimIdentity } from '../identities.ts';
import { defaultMimeType } from '../media/media-rules.ts';
import { findMedia, inboundLifetimeMs, issueDownloadUrl, storeMedia } from '../media/media-service.ts';
import { phoneDigits } from '../phone.ts';
import { pairKey, type SimNumber } from '../state.ts';
import { buildInboundItem, inboundMediaTypes, type InboundMessageInput, opensWindow } from './inbound-message.ts';

/** A customer message to inject (control API `POST /_simulator/inbound`). */
export interface InboundInput {
  phone_number_id: string;
  from: string;
  profile_name?: string;
  user_id?: string;
  username?: string;
  hide_phone?: boolean;
  message: InboundMessageInput;
}

/**
 * Simulates a customer writing to a business number: builds Meta's webhook item with a fresh
 * inbound wamid (direction 0x12) and the `contacts[]` profile (none for `system`, §1.6), stores
 * any media so that `GET /{media_id}` serves it for 7 days, opens the 24-hour window (§5.5)
 * and sends the webhook at once.
 */
export function injectInbound(ctx: SimContext, input: InboundInput, origin: string | undefined): { id: string } {
  const number = ctx.state.numbers.get(input.phone_number_id);
  if (!number) throw simErrors.unknownObject('POST', input.phone_number_id);
  const { type } = input.message;
  if (type !== 'unsupported' && type !== 'unknown' && (typeof input.message[type] !== 'object' || input.message[type] === null)) {
    throw simErrors.invalidParameter(`The parameter message['${type}'] is required.`);
  }
  const from = phoneDigits(input.from);
  const now = ctx.now();
  const message = inboundMediaTypes.has(type) ? withMedia(ctx, number, input.message, origin) : input.message;
  const wamid = ctx.ids.wamid(from, 'inbound');
  const identity = identityGiven(ctx, from, input) ?? identityOf(ctx, from);
  // A customer hiding their phone is named by BSUID alone (§1.5).
  const shownFrom = identity?.hidePhone ? '' : from;
  const item = buildInboundItem({ number, from: shownFrom, ...(identity ? { fromUserId: identity.bsuid } : {}), wamid, timestampSec: Math.floor(now / 1000), message });
  ctx.state.addMessage({ id: wamid, direction: 'inbound', phoneNumberId: number.phoneNumberId, waId: from, ...(identity ? { bsuid: identity.bsuid } : {}), type, payload: item, status: 'received', statuses: [], createdAtMs: now });
  const key = pairKey(number.phoneNumberId, from);
  if (opensWindow(type)) ctx.state.lastInboundAt.set(key, now);
  const name = input.profile_name ?? ctx.state.profileNames.get(key) ?? 'WhatsApp User';
  ctx.state.profileNames.set(key, name);
  const contact = type === 'system' ? undefined : identity ? { profile: { name, username: identity.username, ...countryOf(from) }, wa_id: shownFrom, user_id: identity.bsuid } : { profile: { name }, wa_id: from };
  ctx.dispatcher.enqueue({ kind: 'message', number, message: item, ...(contact ? { contact } : {}) }, 0);
  return { id: wamid };
}

/** The identity an injection gives its customer (kept for the customer's later messages and sends). */
function identityGiven(ctx: SimContext, waId: string, input: InboundInput): SimIdentity | undefined {
  if (input.user_id === undefined) return undefined;
  const known = ctx.state.identities.get(waId);
  return setIdentity(ctx, waId, {
    bsuid: input.user_id,
    username: input.username ?? known?.username ?? `user${waId.slice(-4)}`,
    hidePhone: input.hide_phone ?? known?.hidePhone ?? false,
  });
}

/**
 * Fills the media object of an inbound media message: a given `id` must exist; otherwise the
 * file comes from `data` (base64) or is a small placeholder. `sha256` is base64 in webhooks
 * (§1.6), hex in `GET /{media_id}` (§3).
 */
function withMedia(ctx: SimContext, number: SimNumber, message: InboundMessageInput, origin: string | undefined): InboundMessageInput {
  const { type } = message;
  const { data, ...content } = message[type] as Record<string, unknown>;
  const voice = content.voice === true;
  let media = typeof content.id === 'string' ? findMedia(ctx, content.id) : undefined;
  if (typeof content.id === 'string' && !media) throw simErrors.invalidParameter(`Param message['${type}']['id'] is not a known media id.`);
  if (!media) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(`simulated ${type} content`);
    const mimeType = typeof content.mime_type === 'string' ? content.mime_type : defaultMimeType(type, voice);
    const filename = typeof content.filename === 'string' ? content.filename : undefined;
    media = storeMedia(ctx, { phoneNumberId: number.phoneNumberId, data: bytes, mimeType, ...(filename ? { filename } : {}), lifetimeMs: inboundLifetimeMs });
  }
  const filled: Record<string, unknown> = {
    ...content,
    mime_type: media.mimeType,
    sha256: Buffer.from(media.sha256Hex, 'hex').toString('base64'),
    id: media.id,
    ...(origin ? { url: issueDownloadUrl(ctx, media, origin) } : {}),
  };
  if (type === 'sticker' && filled.animated === undefined) filled.animated = false;
  if (type === 'audio' && filled.voice === undefined) filled.voice = false;
  return { ...message, [type]: filled };
}

/**
 * The `profile.country_code` Meta gives beside a BSUID (§1.5), from the phone's calling code: the
 * few the simulated customers use; none for others.
 */
const COUNTRIES: ReadonlyArray<[string, string]> = [['1', 'US'], ['44', 'GB'], ['49', 'DE'], ['55', 'BR'], ['52', 'MX'], ['34', 'ES'], ['91', 'IN'], ['33', 'FR']];
function countryOf(phone: string): { country_code?: string } {
  const found = COUNTRIES.find(([prefix]) => phone.startsWith(prefix));
  return found ? { country_code: found[1] } : {};
}
