import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isBlockedAddress, parseWebhookUrl } from '../webhooks/url-policy.ts';
import { type CheckResult, fail, ok, warn, within } from './check.ts';
import type { WebhookTarget } from './store.ts';

/** How long a lookup may take (getaddrinfo has no timeout of its own). */
const LOOKUP_MS = 5_000;

/** Resolves a host name to its addresses; injected so the rule can be tested without a resolver. */
export type Resolve = (host: string) => Promise<string[]>;

export const resolveWithDns: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/**
 * One subscription's URL: allowed by the same rule deliveries follow (webhooks/url-policy.ts: no
 * local or private address unless WEBHOOK_ALLOW_PRIVATE_URLS), and its host resolves, to no
 * address deliveries would refuse. What a failing delivery would log as `blocked address` is
 * named here, for the operator.
 */
export async function checkWebhookUrl(webhook: WebhookTarget, opts: { allowPrivate: boolean; resolve?: Resolve }): Promise<CheckResult> {
  const name = `webhook ${webhook.id}`;
  const change = `point it at a reachable URL (PATCH /platform/v1/whatsapp/webhooks/${webhook.id} with a new url, or \`switchboard webhooks remove --project ${webhook.projectId} --id ${webhook.id}\` and add it again)`;
  const allowPrivate = 'or set WEBHOOK_ALLOW_PRIVATE_URLS=true to deliver to a private network on purpose';
  const parsed = parseWebhookUrl(webhook.url, { allowPrivate: opts.allowPrivate });
  if (!parsed.ok) return fail(name, `${parsed.reason}; every delivery fails`, parsed.blocked ? `${change}, ${allowPrivate}` : change);
  const host = parsed.url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return ok(name, `${host} is an address (nothing to resolve)`);
  const resolve = opts.resolve ?? resolveWithDns;
  const looked = await within(
    resolve(host).then(
      (addresses) => ({ addresses, code: null as string | null }),
      (err: NodeJS.ErrnoException) => ({ addresses: [] as string[], code: err.code ?? 'error' }),
    ),
    LOOKUP_MS,
    () => ({ addresses: [] as string[], code: 'TIMEOUT' }),
  );
  if (looked.code === 'EAI_AGAIN' || looked.code === 'TIMEOUT') {
    return warn(name, `the lookup of ${host} did not complete (${looked.code === 'TIMEOUT' ? `no answer within ${LOOKUP_MS / 1000} s` : 'EAI_AGAIN: DNS temporarily failing'})`, 'check this host\'s DNS resolver, then run `switchboard doctor` again');
  }
  if (looked.code !== null || looked.addresses.length === 0) {
    return fail(name, `${host} does not resolve (${looked.code ?? 'no address'}); every delivery fails`, change);
  }
  if (!opts.allowPrivate && looked.addresses.some(isBlockedAddress)) {
    return fail(name, `${host} resolves to a local or private address, which webhooks may not reach; every delivery fails with \`blocked address\``, `${change}, ${allowPrivate}`);
  }
  return ok(name, `${host} resolves (${looked.addresses.length} address${looked.addresses.length === 1 ? '' : 'es'})`);
}
