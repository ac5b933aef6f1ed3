import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, type Resolve } from '../../src/doctor/checks-webhooks.ts';

const hook = (url: string) => ({ id: 'wh_1', projectId: 'p_1', url });
const resolvesTo = (...addresses: string[]): Resolve => async () => addresses;
const failsWith = (code: string): Resolve => async () => {
  throw Object.assign(new Error(code), { code });
};
const never: Resolve = () => new Promise(() => undefined);

/**
 * Each subscription URL is held to the rule deliveries follow (webhooks/url-policy.ts) and its
 * host resolved; the resolver is injected here so each outcome is certain.
 */
describe('the webhook URL check', () => {
  it.each([
    ['a host that resolves to a public address', 'https://hooks.example.com/in', resolvesTo('93.184.216.34'), false, 'ok', 'hooks.example.com resolves (1 address)'],
    ['an address literal, without a lookup', 'https://93.184.216.34/in', failsWith('ENOTFOUND'), false, 'ok', '93.184.216.34 is an address (nothing to resolve)'],
    ['a host that does not resolve', 'https://hooks.example.invalid/in', failsWith('ENOTFOUND'), false, 'fail', 'hooks.example.invalid does not resolve (ENOTFOUND); every delivery fails'],
    ['a host that resolves to nothing', 'https://empty.example.com/in', resolvesTo(), false, 'fail', 'empty.example.com does not resolve (no address); every delivery fails'],
    ['a name that resolves to a private address', 'https://inside.example.com/in', resolvesTo('93.184.216.34', '10.1.2.3'), false, 'fail', 'inside.example.com resolves to a local or private address, which webhooks may not reach; every delivery fails with `blocked address`'],
    ['the same name when private URLs are allowed', 'https://inside.example.com/in', resolvesTo('10.1.2.3'), true, 'ok', 'inside.example.com resolves (1 address)'],
    ['a private literal, refused as when it was saved', 'http://[::1]:8080/in', resolvesTo(), false, 'fail', 'url host [::1] is a local or private address, which webhooks may not target; every delivery fails'],
    ['a lookup that fails for now', 'https://flaky.example.com/in', failsWith('EAI_AGAIN'), false, 'warn', 'the lookup of flaky.example.com did not complete (EAI_AGAIN: DNS temporarily failing)'],
  ])('%s', async (_what, url, resolve, allowPrivate, state, detail) => {
    const result = await checkWebhookUrl(hook(url), { allowPrivate, resolve });
    expect(result).toMatchObject({ name: 'webhook wh_1', state, detail });
    if (state === 'ok') expect(result.fix).toBeUndefined();
    else if (state === 'fail') expect(result.fix).toContain('wh_1');
    else expect(result.fix).toContain('DNS resolver');
  });

  it('names WEBHOOK_ALLOW_PRIVATE_URLS only where the address rule refused the URL', async () => {
    const blocked = await checkWebhookUrl(hook('https://inside.example.com/in'), { allowPrivate: false, resolve: resolvesTo('192.168.1.9') });
    expect(blocked.fix).toContain('WEBHOOK_ALLOW_PRIVATE_URLS=true');
    const unresolved = await checkWebhookUrl(hook('https://hooks.example.invalid/in'), { allowPrivate: false, resolve: failsWith('ENOTFOUND') });
    expect(unresolved.fix).not.toContain('WEBHOOK_ALLOW_PRIVATE_URLS');
  });

  it('gives up on a lookup that never answers with a warning', async () => {
    const started = Date.now();
    const result = await checkWebhookUrl(hook('https://slow.example.com/in'), { allowPrivate: false, resolve: never });
    expect(result).toMatchObject({ state: 'warn', detail: 'the lookup of slow.example.com did not complete (no answer within 5 s)' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
