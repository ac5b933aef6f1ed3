import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject } from '../helpers/factories.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';
import { secretSlots } from '../../src/crypto/secrets.ts';

const CUSTOMER = '14155550123';
const text = (body: string, to = `+${CUSTOMER}`) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body } });

describe.each(dialects)("Meta's errors and failures on the send path (%s)", (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, { windowFailure: 'response', maxMessagesPerSecond: 2, pairRateLimit: false }, { META_TIMEOUT_MS: '1000' });
  });
  afterAll(() => env.close());

  const send = (t: { apiKey: string; phoneNumberId: string }, body: object) =>
    env.gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey }, payload: body });

  /** The simulator's own answer to the same request, straight from "Meta". */
  const direct = (t: { accessToken: string; phoneNumberId: string }, body: object) =>
    env.sim.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { authorization: `Bearer ${t.accessToken}` }, payload: body });

  it('passes 131047 through unchanged when the customer service window is closed', async () => {
    const t = await env.newTenant();
    const res = await send(t, text('free-form to a stranger'));
    expect(res.json().error.code).toBe(131047);
    const meta = await direct(t, text('free-form to a stranger'));
    expect(res.statusCode).toBe(meta.statusCode);
    const { fbtrace_id: _a, ...ours } = res.json().error;
    const { fbtrace_id: _b, ...theirs } = meta.json().error;
    expect(ours).toEqual(theirs);
  });

  it('passes 130429 through when the number sends faster than Meta allows', async () => {
    const t = await env.newTenant();
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'hi' } } });
    await env.sim.flush();
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => send(t, text(`burst ${i}`))));
    const limited = answers.filter((a) => a.statusCode !== 200);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.json().error.code).toBe(130429);
  });

  it("passes Meta's 100 through for a text over Meta's limit", async () => {
    const t = await env.newTenant();
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'hi' } } });
    const res = await send(t, text('x'.repeat(4097)));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(100);
  });

  it('passes 190 through with 401 when the stored access token is no longer valid', async () => {
    const t = await env.newTenant();
    await env.gw.deps.database.db
      .updateTable('phone_numbers')
      .set({ access_token_enc: env.gw.deps.cipher.encrypt('expired-token', secretSlots.accessToken(t.phoneNumberId)) })
      .where('id', '=', t.phoneNumberId)
      .execute();
    const res = await send(t, text('hello'));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe(190);
  });

  it('stores nothing when Meta refuses a send', async () => {
    const t = await env.newTenant();
    await send(t, text('refused: window closed'));
    const rows = await env.gw.deps.database.db.selectFrom('messages').selectAll().where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(rows).toHaveLength(0);
  });

  it("refuses another project's number exactly like an unknown one, without calling Meta", async () => {
    const owner = await env.newTenant();
    const stranger = await env.newTenant();
    const before = env.sim.state.messages.length;
    const foreign = await env.gw.app.inject({ method: 'POST', url: `/v24.0/${owner.phoneNumberId}/messages`, headers: { 'x-api-key': stranger.apiKey }, payload: text('x') });
    const missing = await env.gw.app.inject({ method: 'POST', url: '/v24.0/100000000000009/messages', headers: { 'x-api-key': stranger.apiKey }, payload: text('x') });
    expectIndistinguishable(foreign, missing, { foreign: owner.phoneNumberId, missing: '100000000000009' });
    expect(env.sim.state.messages.length).toBe(before);
    await expectAuthRequired(env.gw, { method: 'POST', url: `/v24.0/${owner.phoneNumberId}/messages`, payload: text('x') });
  });

  describe('when Meta cannot be reached', () => {
    let hanging: Server;
    let hangingUrl: string;
    beforeAll(async () => {
      hanging = createServer(() => {
        /* never answers */
      });
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
      const address = hanging.address();
      hangingUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(() => {
      hanging.closeAllConnections();
      hanging.close();
    });

    async function tenantAt(graphUrl: string) {
      const project = await newProject(env.gw);
      return { ...project, ...(await newPhoneNumber(env.gw, project.projectId, { graphUrl })) };
    }

    it('answers 504 in the envelope when Meta does not answer in time', async () => {
      const t = await tenantAt(hangingUrl);
      const res = await send(t, text('slow'));
      expect(res.statusCode).toBe(504);
      expect(res.json().error).toMatchObject({ code: 2, type: 'OAuthException' });
    });

    it('answers 502 in the envelope when the connection is refused', async () => {
      const t = await tenantAt('http://127.0.0.1:9');
      const res = await send(t, text('nobody home'));
      expect(res.statusCode).toBe(502);
      expect(res.json().error).toMatchObject({ code: 2, type: 'OAuthException' });
    });
  });
});
