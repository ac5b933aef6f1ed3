import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSandbox, type SandboxDetails } from '../../src/sandbox/ensure-sandbox.ts';
import { type RunningSandbox, runSandbox } from '../../src/sandbox/run-sandbox.ts';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

/**
 * The sandbox number's tier is read from its Meta (the in-process simulator: unlimited, so no
 * broadcast recipient waits), at each start, unless the operator set one.
 */
describe.each(dialects)('the sandbox number’s messaging limit (%s)', (dialect) => {
  let gw: TestGateway;
  let sandbox: SandboxDetails;
  let gatewayUrl: string;
  const running: RunningSandbox[] = [];
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
    sandbox = (await ensureSandbox(gw.deps, { create: true })) as SandboxDetails;
    gatewayUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const r of running) await r.close();
    await gw?.close();
  });

  const number = () =>
    gw.app.inject({ method: 'GET', url: '/platform/v1/whatsapp/phone_numbers', headers: { 'x-api-key': sandbox.api_key } }).then((r) => r.json().data[0]);
  const patch = (fields: Record<string, unknown>) =>
    gw.app.inject({ method: 'PATCH', url: `/platform/v1/whatsapp/phone_numbers/${sandbox.phone_number.id}`, headers: { 'x-api-key': sandbox.api_key }, payload: { whatsapp_phone_number: fields } });

  it('is Meta’s after a start, and the operator’s once set, through the next start', async () => {
    expect(await number()).toMatchObject({ messaging_limit_tier: null, messaging_limit_source: null });
    running.push(await runSandbox(gw.deps, sandbox, gatewayUrl));
    expect(await number()).toMatchObject({ messaging_limit_tier: 'TIER_UNLIMITED', messaging_limit_source: 'meta', whatsapp_business_manager_messaging_limit: 'TIER_UNLIMITED' });
    expect((await patch({ messaging_limit: 250 })).statusCode).toBe(200);
    await running.pop()?.close();
    running.push(await runSandbox(gw.deps, sandbox, gatewayUrl));
    expect(await number()).toMatchObject({ messaging_limit_tier: 'TIER_250', messaging_limit_source: 'operator' });
  });
});
