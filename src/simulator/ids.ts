import type { Random } from './random.ts';

/** Which side wrote a message: the byte Meta puts in its wamids (meta-cloud-api.md §5.6). */
export type WamidDirection = 'inbound' | 'outbound';

/**
 * Builds a wamid in the layout observed in Meta's examples (§5.6, not documented by Meta):
 * base64 of `1C 18 <len> <phone> 15 02 00 <dir> 18 <len> <hex> 00`, where `dir` is 0x12 with 20
 * hex digits for messages from the user and 0x11 with 18 for messages from the business.
 */
export function encodeWamid(counterpart: string, direction: WamidDirection, hexId: string): string {
  const phone = Buffer.from(counterpart, 'latin1');
  const hex = Buffer.from(hexId, 'latin1');
  const dir = direction === 'inbound' ? 0x12 : 0x11;
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, phone.length]),
    phone,
    Buffer.from([0x15, 0x02, 0x00, dir, 0x18, hex.length]),
    hex,
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
}

/** The counterpart phone digits and direction read back from a simulator-made wamid. */
export function decodeWamid(wamid: string): { counterpart: string; direction: WamidDirection } | undefined {
  if (!wamid.startsWith('wamid.')) return undefined;
  const bytes = Buffer.from(wamid.slice('wamid.'.length), 'base64');
  const phoneLength = bytes[2];
  if (bytes[0] !== 0x1c || phoneLength === undefined) return undefined;
  const dir = bytes[3 + phoneLength + 3];
  if (dir !== 0x11 && dir !== 0x12) return undefined;
  return { counterpart: bytes.subarray(3, 3 + phoneLength).toString('latin1'), direction: dir === 0x12 ? 'inbound' : 'outbound' };
}

/** Every id the simulator hands out, drawn from seeded streams. */
export interface IdFactory {
  wamid(counterpart: string, direction: WamidDirection): string;
  /** Media ids: numeric strings of 15–16 digits like Meta's (§5.7). */
  mediaId(): string;
  templateId(): string;
  /** Flow ids: numeric strings of 16 digits, like templates' (§5.7). */
  flowId(): string;
  /** `conversation.id`: 32 lowercase hex characters (§5.7). */
  conversationId(): string;
  /** `fbtrace_id`: ~23 characters of `[A-Za-z0-9_-]` (§5.7). */
  fbtraceId(): string;
  /** The unguessable part of a media download URL. */
  urlToken(): string;
  /** A call id, `wacid.` and base64 like Meta's examples. */
  callId(): string;
}

/** Binds the id formats to random streams: `ids` for what tests assert on, the rest apart. */
export function createIdFactory(streams: { ids: Random; trace: Random; urls: Random }): IdFactory {
  const { ids, trace, urls } = streams;
  return {
    wamid: (counterpart, direction) => encodeWamid(counterpart, direction, ids.hex(direction === 'inbound' ? 20 : 18, true)),
    mediaId: () => ids.digits(16),
    // Template ids travel as JSON numbers in status webhooks (§6.6): keep them below 2^53.
    templateId: () => `1${ids.digits(15)}`,
    flowId: () => `2${ids.digits(15)}`,
    conversationId: () => ids.hex(32),
    fbtraceId: () => trace.token(23),
    urlToken: () => urls.hex(40),
    callId: () => `wacid.${Buffer.from(`sim-call-${ids.hex(24)}`, 'latin1').toString('base64')}`,
  };
}
