import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { messagingLimitOf, normaliseTier, recipientsOfTier, tierFromMetaFields, tierOfSetting } from '../../src/tenants/messaging-limit.ts';

describe('Meta’s messaging-limit tiers', () => {
  it.each([
    ['TIER_50', 'TIER_50', 50],
    ['TIER_250', 'TIER_250', 250],
    ['TIER_1K', 'TIER_1K', 1000],
    ['TIER_2K', 'TIER_2K', 2000],
    ['TIER_10K', 'TIER_10K', 10_000],
    ['TIER_100K', 'TIER_100K', 100_000],
    ['TIER_UNLIMITED', 'TIER_UNLIMITED', Infinity],
    ['tier_2k', 'TIER_2K', 2000],
    ['TIER_2000', 'TIER_2K', 2000],
  ])('reads %s as %s: %d unique recipients per 24 h', (given, tier, recipients) => {
    expect(normaliseTier(given)).toBe(tier);
    expect(recipientsOfTier(tier)).toBe(recipients);
  });

  it.each([['TIER_NOT_SET'], ['TIER_0'], ['LIMITED'], [''], [250], [null], [undefined]])('knows no limit in %j', (given) => {
    expect(normaliseTier(given)).toBeNull();
  });

  it('prefers the current field, falls back to the deprecated one, and finds none in neither', () => {
    expect(tierFromMetaFields({ whatsapp_business_manager_messaging_limit: 'TIER_10K', messaging_limit_tier: 'TIER_1K', id: '1' })).toBe('TIER_10K');
    expect(tierFromMetaFields({ messaging_limit_tier: 'TIER_1K', id: '1' })).toBe('TIER_1K');
    expect(tierFromMetaFields({ whatsapp_business_manager_messaging_limit: 'TIER_NOT_SET', messaging_limit_tier: 'TIER_250' })).toBe('TIER_250');
    expect(tierFromMetaFields({ id: '1' })).toBeNull();
  });

  it.each([
    ['TIER_250', 'TIER_250'],
    ['250', 'TIER_250'],
    [2000, 'TIER_2K'],
    ['10000', 'TIER_10K'],
    ['100000', 'TIER_100K'],
    ['unlimited', 'TIER_UNLIMITED'],
    ['Unlimited', 'TIER_UNLIMITED'],
    ['300', null],
    ['meta', null],
    ['TIER_NOT_SET', null],
  ])('takes the operator’s %j as %s', (given, tier) => {
    expect(tierOfSetting(given)).toBe(tier);
  });

  it('holds a number of unknown tier to the operator’s default, unlimited unless configured', () => {
    expect(messagingLimitOf({ messaging_limit_tier: 'TIER_250' }, Infinity)).toBe(250);
    expect(messagingLimitOf({ messaging_limit_tier: null }, 1000)).toBe(1000);
    expect(loadConfig({}).sending.defaultMessagingLimit).toBe(Infinity);
    expect(loadConfig({ SEND_DEFAULT_MESSAGING_LIMIT: 'TIER_2K' }).sending.defaultMessagingLimit).toBe(2000);
    expect(() => loadConfig({ SEND_DEFAULT_MESSAGING_LIMIT: 'lots' })).toThrow(/SEND_DEFAULT_MESSAGING_LIMIT.*must be a tier such as TIER_250/);
    expect(() => loadConfig({ SEND_DEFAULT_MESSAGING_LIMIT: '300' })).toThrow(/SEND_DEFAULT_MESSAGING_LIMIT/);
  });

  it.each(['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'unlimited', '50', '250', '1000', '2000', '10000', '100000'])(
    'takes %s for SEND_DEFAULT_MESSAGING_LIMIT as the operator’s setting means it',
    (setting) => {
      expect(loadConfig({ SEND_DEFAULT_MESSAGING_LIMIT: setting }).sending.defaultMessagingLimit).toBe(recipientsOfTier(tierOfSetting(setting)));
    },
  );
});
