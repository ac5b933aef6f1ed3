import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSandbox, type SandboxDetails } from '../../src/sandbox/ensure-sandbox.ts';
import { type RunningSandbox, runSandbox } from '../../src/sandbox/run-sandbox.ts';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Beside the phone customer, the sandbox offers one who hides their phone behind a username. */
describe.each(dialects)('the sandbox’s customer with a username (%s)', (dialect) => {
  let gw: TestGateway;
  let sandbox: SandboxDetails;
  let running: RunningSandbox;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
    sandbox = (await ensureSandbox(gw.deps, { create: true })) as SandboxDetails;
    const gatewayUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    running = await runSandbox(gw.deps, sandbox, gatewayUrl);
    await running.keepCustomerWriting();
    await running.simulator.flush();
  });
  afterAll(async () => {
    await running?.close();
    await gw?.close();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    gw.app.inject({ method, url: `/v24.0/${sandbox.phone_number.id}${url}`, headers: { 'x-api-key': sandbox.api_key }, ...(payload ? { payload } : {}) });

  it('has written first, by BSUID alone, and echoes a send by recipient', async () => {
    const bsuid = sandbox.username_customer.business_scoped_user_id;
    const contacts = (await api('GET', `/contacts?business_scoped_user_id=${bsuid}`)).json().data;
    expect(contacts).toEqual([expect.objectContaining({ wa_id: null, business_scoped_user_id: bsuid, username: sandbox.username_customer.username })]);

    const sent = await api('POST', '/messages', { messaging_product: 'whatsapp', recipient: bsuid, type: 'text', text: { body: 'ping' } });
    expect(sent.statusCode).toBe(200);
    expect(sent.json().contacts).toEqual([{ input: bsuid, wa_id: '', user_id: bsuid }]);
    await waitFor('the echo arrives', async () => {
      await running.simulator.flush();
      const messages = (await api('GET', `/messages?business_scoped_user_id=${bsuid}&direction=inbound`)).json().data;
      return messages.some((m: { text?: { body?: string } }) => m.text?.body === 'You said: ping');
    });
    // The phone customer is still there, known by phone alone.
    expect((await api('GET', `/contacts/${sandbox.customer_wa_id}`)).json()).toMatchObject({ wa_id: sandbox.customer_wa_id, business_scoped_user_id: null });
  });
});
