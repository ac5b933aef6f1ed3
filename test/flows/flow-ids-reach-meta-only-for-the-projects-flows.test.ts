import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, type TestNumber, type TestProject } from '../helpers/factories.ts';
import { type GraphRecorder, rawRequest, startGraphRecorder } from '../helpers/graph-recorder.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { assetForm, validFlowJsonText } from './helpers.ts';

/**
 * What reaches the Graph origin (a recorder) for flow routes: a flow id goes to Meta only as the
 * flow the route means, for a flow recorded for the project, and an unknown one is at most read
 * once to learn its WABA, never acted on (kapso-api.md §6.8; docs/api.md "Flows").
 */
describe.each(dialects)('flow ids reach Meta only for the project\'s flows (%s)', (dialect) => {
  let gw: TestGateway;
  let graph: GraphRecorder;
  let base: string;
  let t: TestProject & TestNumber;
  const unknown = '2999999999999999';

  beforeAll(async () => {
    graph = await startGraphRecorder();
    gw = await startGateway(dialect, { META_GRAPH_URL: graph.url });
    base = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    t = await newTenant(gw);
    const created = await call('POST', `/v24.0/${t.wabaId}/flows`, { name: 'recorded', categories: ['OTHER'], flow_json: validFlowJsonText() });
    expect(created).toMatchObject({ status: 200 });
  });
  afterAll(async () => {
    await gw.close();
    await graph.close();
  });
  beforeEach(() => {
    graph.calls.length = 0;
  });

  function call(method: 'GET' | 'POST', target: string, json?: object) {
    return rawRequest(base, {
      method,
      target,
      headers: { 'x-api-key': t.apiKey, ...(json ? { 'content-type': 'application/json' } : {}) },
      ...(json ? { body: JSON.stringify(json) } : {}),
    });
  }
  const targets = () => graph.calls.map((c) => `${c.method} ${c.target}`);

  it('acts on a flow created under the WABA at its own Graph path, with the number\'s token and nothing of the query', async () => {
    for (const action of ['publish', 'deprecate']) expect((await call('POST', `/v24.0/${graph.flowId}/${action}?business_account_id=${t.wabaId}&foo=bar`)).status).toBe(200);
    const asset = await fetch(`${base}/v24.0/${graph.flowId}/assets`, { method: 'POST', headers: { 'x-api-key': t.apiKey }, body: assetForm(validFlowJsonText()) });
    expect(asset.status).toBe(200);
    expect(targets()).toEqual([`POST /v24.0/${graph.flowId}/publish`, `POST /v24.0/${graph.flowId}/deprecate`, `POST /v24.0/${graph.flowId}/assets`]);
    expect(graph.calls.every((c) => c.authorization === `Bearer ${t.accessToken}`)).toBe(true);
  });

  it('forwards only the documented parameters of a flow read and a flow listing', async () => {
    expect((await call('GET', `/v24.0/${graph.flowId}?fields=preview.invalidate(false)&flow_action=navigate&business_account_id=${t.wabaId}&ids=1,2`)).status).toBe(200);
    expect((await call('GET', `/v24.0/${t.wabaId}/flows?limit=2&after=QVFI&debug=all&fields=id,name`)).status).toBe(200);
    expect(targets()).toEqual([
      `GET /v24.0/${graph.flowId}?fields=preview.invalidate%28false%29&flow_action=navigate`,
      `GET /v24.0/${t.wabaId}/flows?limit=2&after=QVFI&fields=id%2Cname`,
    ]);
  });

  it("refuses a parameter that would replace the number's token", async () => {
    const res = await call('POST', `/v24.0/${graph.flowId}/publish?access_token=stolen`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('access_token') } });
    expect(targets()).toEqual([]);
  });

  it.each(['publish', 'deprecate', 'assets', ''])('never sends a hostile or non-Graph id of /{flow_id}/%s to Meta', async (edge) => {
    const hostile = ['abc', '..', '%2e%2e', `${graph.flowId}%2Fpublish`, `${graph.flowId}%3Faccess_token%3Dx`, `${graph.flowId}%23x`, "1'%20or%201=1", '-1', `%20${graph.flowId}`, `${graph.flowId}%00`];
    const answers: number[] = [];
    for (const id of hostile) {
      const target = `/v24.0/${id}${edge ? `/${edge}` : ''}?business_account_id=${t.wabaId}`;
      answers.push((await call(edge ? 'POST' : 'GET', target)).status);
    }
    expect(answers).toEqual(hostile.map(() => 404));
    expect(targets()).toEqual([]);
  });

  it('never sends an unknown flow id to Meta when the call names no number or WABA', async () => {
    for (const edge of ['publish', 'deprecate']) expect((await call('POST', `/v24.0/${unknown}/${edge}`)).status).toBe(404);
    expect((await call('GET', `/v24.0/${unknown}?fields=status`)).status).toBe(404);
    expect(targets()).toEqual([]);
  });

  it('reads an unknown flow named with the WABA only to learn its WABA, and does not act when Meta names another', async () => {
    const res = await call('POST', `/v24.0/${unknown}/publish?business_account_id=${t.wabaId}`);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 100, type: 'GraphMethodException', error_subcode: 33 });
    expect(targets()).toEqual([`GET /v24.0/${unknown}?fields=id%2Cwhatsapp_business_account`]);
  });
});
