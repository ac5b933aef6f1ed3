import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may be delivered. A subscription URL is chosen by an API caller but fetched by
 * the gateway, so without these rules any project could make the gateway POST to its own
 * loopback, the cloud metadata service (169.254.169.254) or the private network (SSRF). The URL
 * is checked when a subscription is saved (parseWebhookUrl) and again at delivery time on the
 * address actually connected to (guardedLookup), which defeats DNS names that resolve, or later
 * re-resolve, to an internal address. WEBHOOK_ALLOW_PRIVATE_URLS lifts both checks for local use.
 */

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The `code` of the error guardedLookup fails with; the delivery worker classifies on it. */
export const BLOCKED_ADDRESS_CODE = 'ERR_WEBHOOK_BLOCKED_ADDRESS';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", including the unspecified 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, where cloud metadata services live
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 3], // multicast, reserved and the broadcast address
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
// An IPv4-mapped address (::ffff:a.b.c.d, ::ffff:0:0/96) is checked by BlockList against the
// IPv4 rules above, in any spelling. Prefixes that carry or reach IPv4 through a translator or a
// tunnel are refused whole: what they reach depends on a gateway the policy cannot see.
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['::', 96], // deprecated IPv4-compatible addresses (::a.b.c.d)
  ['::ffff:0:0:0', 96], // IPv4-translated (RFC 2765)
  ['64:ff9b::', 96], // NAT64 (RFC 6052)
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['3fff::', 20], // documentation (RFC 9637)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['fc00::', 7], // unique local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/**
 * Whether an IP address is one webhooks must not reach by default: loopback, link-local, private,
 * unspecified, CGNAT, documentation, benchmarking, multicast or reserved, NAT64/6to4/Teredo, also
 * when written as an IPv4-mapped IPv6 address (BlockList applies the IPv4 rules to
 * `::ffff:a.b.c.d`). Pure. Anything that is not an IP is false.
 */
export function isBlockedAddress(ip: string): boolean {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, IPv6 zone id
  const family = isIP(address);
  if (family === 0) return false;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * What a delivery log or a media failure says about an address the policy refused: never the
 * host or the address it resolved to, which would map the internal network for a caller.
 */
export const BLOCKED_ADDRESS_REASON = 'blocked address';

/** `blocked`: refused for where it points (not for its form); say only BLOCKED_ADDRESS_REASON. */
export type ParsedWebhookUrl = { ok: true; url: URL } | { ok: false; reason: string; blocked?: true };

/**
 * Checks a subscription URL (pure): http or https, no credentials, at most 2,048 characters and,
 * unless private URLs are allowed, no host that is `localhost` or a blocked IP literal. Hosts
 * given as names are checked again when they are resolved (guardedLookup).
 */
export function parseWebhookUrl(raw: string, opts: { allowPrivate: boolean }): ParsedWebhookUrl {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, reason: `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'url is not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'url must use https (or http)' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'url must not carry credentials; use headers instead' };
  if (url.hostname === '') return { ok: false, reason: 'url has no host' };
  if (!opts.allowPrivate && isPrivateHost(url.hostname)) {
    return { ok: false, blocked: true, reason: `url host ${url.hostname} is a local or private address, which webhooks may not target` };
  }
  return { ok: true, url };
}

/**
 * `localhost` names and blocked IP literals. The WHATWG parser has already normalised the
 * numeric spellings (`2130706433`, `0x7f.1`, `127.1` all become `127.0.0.1`).
 */
function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isBlockedAddress(host);
}

/**
 * The error guardedLookup fails a connection with; `code` is BLOCKED_ADDRESS_CODE. Its message
 * names neither the host nor the address: undici and Node copy it into errors that end up in
 * delivery logs and media failure reasons a client reads.
 */
export class BlockedAddressError extends Error {
  readonly code = BLOCKED_ADDRESS_CODE;

  constructor() {
    super(BLOCKED_ADDRESS_REASON);
    this.name = 'BlockedAddressError';
  }
}

/**
 * A `lookup` for `net.connect` / undici's `Agent({ connect: { lookup } })` that resolves the host
 * and refuses the connection when any resolved address is blocked, so the address checked is the
 * address connected to (no rebinding between check and use). All addresses are checked, not only
 * the first, because happy-eyeballs may try any of them. Note: Node does not call `lookup` for a
 * host that is already an IP literal; check those with isBlockedAddress before connecting.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', undefined);
      const bad = allowPrivate ? undefined : addresses.find((a) => isBlockedAddress(a.address));
      if (bad) return callback(new BlockedAddressError(), '', undefined);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', undefined);
      return callback(null, first.address, first.family);
    });
  };
}
