import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;

/**
 * Every `phoneNumbers` method of Kapso's SDK 0.3.0 against Switchboard, which passes them through
 * to Meta (here the simulator) with the number's token (kapso-api.md §6.6): answers come back in
 * Meta's shape, and what an update stores at Meta is read back by the matching get.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api phoneNumbers through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Tenant;
  let client: WhatsAppClient;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    client = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
  });
  afterAll(() => env.close());

  it('requestCode, verifyCode, register and deregister answer success', async () => {
    expect(await client.phoneNumbers.requestCode({ phoneNumberId: t.phoneNumberId, codeMethod: 'SMS', language: 'en_US' })).toEqual({ success: true });
    expect(await client.phoneNumbers.verifyCode({ phoneNumberId: t.phoneNumberId, code: '123456' })).toEqual({ success: true });
    expect(await client.phoneNumbers.register({ phoneNumberId: t.phoneNumberId, pin: '246810', dataLocalizationRegion: 'DE' })).toEqual({ success: true });
    expect(await client.phoneNumbers.deregister({ phoneNumberId: t.phoneNumberId })).toEqual({ success: true });
  });

  it('register with another PIN surfaces Meta’s 133005 unchanged', async () => {
    await client.phoneNumbers.register({ phoneNumberId: t.phoneNumberId, pin: '246810' });
    const error = await client.phoneNumbers.register({ phoneNumberId: t.phoneNumberId, pin: '111111' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ httpStatus: 400, code: 133005 });
  });

  it('settings.update is read back by settings.get, with and without SIP credentials', async () => {
    const update = await client.phoneNumbers.settings.update({
      phoneNumberId: t.phoneNumberId,
      fallbackLanguage: 'en_US',
      calling: { status: 'ENABLED', callIconVisibility: 'DEFAULT', callHours: { status: 'ENABLED', timezoneId: 'Europe/Berlin', weeklyOperatingHours: [{ dayOfWeek: 'MONDAY', openTime: '0900', closeTime: '1700' }] } },
    });
    expect(update).toEqual({ success: true });
    const settings = await client.phoneNumbers.settings.get({ phoneNumberId: t.phoneNumberId });
    expect(settings).toMatchObject({ fallbackLanguage: 'en_US', calling: { status: 'ENABLED', callHours: { timezoneId: 'Europe/Berlin', weeklyOperatingHours: [{ dayOfWeek: 'MONDAY' }] } } });
    expect(await client.phoneNumbers.settings.get({ phoneNumberId: t.phoneNumberId, includeSipCredentials: true })).toMatchObject({ calling: { status: 'ENABLED' } });
  });

  it('businessProfile.update is read back by businessProfile.get', async () => {
    const update = await client.phoneNumbers.businessProfile.update({
      phoneNumberId: t.phoneNumberId,
      about: 'Plants, delivered',
      address: '1 Market St',
      description: 'Indoor plants and planters',
      email: 'hello@example.com',
      websites: ['https://example.com'],
      vertical: 'RETAIL',
    });
    expect(update).toEqual({ success: true });
    const profile = await client.phoneNumbers.businessProfile.get({ phoneNumberId: t.phoneNumberId, fields: 'about,email,websites,vertical' });
    expect(profile).toMatchObject({ data: [{ about: 'Plants, delivered', email: 'hello@example.com', websites: ['https://example.com'], vertical: 'RETAIL' }] });
  });

  it('a profile field Meta does not take comes back as Meta’s own error', async () => {
    // The SDK sends `profile_picture_url`; Meta's update takes `profile_picture_handle` only.
    const error = await client.phoneNumbers.businessProfile.update({ phoneNumberId: t.phoneNumberId, profilePictureUrl: 'https://example.com/logo.png' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ httpStatus: 400, code: 100 });
  });

  it('answers another project’s number as unknown, and never reaches Meta for it', async () => {
    const other = await env.newTenant();
    const error = await client.phoneNumbers.settings.get({ phoneNumberId: other.phoneNumberId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ httpStatus: 404, code: 100 });
    const deregister = await client.phoneNumbers.deregister({ phoneNumberId: other.phoneNumberId }).catch((e: unknown) => e);
    expect(deregister).toMatchObject({ httpStatus: 404, code: 100 });
  });
});
