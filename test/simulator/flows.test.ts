import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { checkFlowJson } from '../../src/simulator/flows/flow-json.ts';
import { parseFields } from '../../src/simulator/flows/flow-fields.ts';
import { NUMBER, startSimulator, T0, testClock } from './helpers.ts';

const auth = { authorization: `Bearer ${NUMBER.access_token}` };
const flows = `/v24.0/${NUMBER.waba_id}/flows`;
const valid = JSON.stringify({ version: '7.2', screens: [{ id: 'WELCOME', terminal: true, layout: { type: 'SingleColumnLayout', children: [] } }] });

/** A multipart asset upload as Meta takes it: file, name, asset_type. */
function assetPayload(file: string, assetType = 'FLOW_JSON') {
  const boundary = 'sim-flow-boundary';
  const part = (name: string, value: string, filename?: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: application/json` : ''}\r\n\r\n${value}\r\n`;
  return { payload: `${part('file', file, 'flow.json')}${part('name', 'flow.json')}${part('asset_type', assetType)}--${boundary}--\r\n`, headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('flows: DRAFT → PUBLISHED → DEPRECATED with Meta\'s rules (kapso-api.md §6.8)', () => {
  let sim: Simulator;
  let clock: ReturnType<typeof testClock>;
  beforeEach(async () => {
    clock = testClock();
    sim = await startSimulator({ clock });
  });
  afterEach(() => sim.close());

  const create = (body: object) => sim.app.inject({ method: 'POST', url: flows, headers: auth, payload: body });
  const post = (id: string, edge: string) => sim.app.inject({ method: 'POST', url: `/v24.0/${id}/${edge}`, headers: auth });
  const get = (id: string, fields?: string) => sim.app.inject({ method: 'GET', url: `/v24.0/${id}${fields ? `?fields=${encodeURIComponent(fields)}` : ''}`, headers: auth });
  const newFlow = async (body: object = {}) => (await create({ name: 'f', categories: ['OTHER'], flow_json: valid, ...body })).json().id as string;

  it('creates a DRAFT, publishes it once, deprecates it once', async () => {
    const id = await newFlow();
    expect((await get(id)).json()).toEqual({ id, name: 'f', status: 'DRAFT', categories: ['OTHER'], validation_errors: [] });
    expect((await post(id, 'publish')).json()).toEqual({ success: true });
    expect((await post(id, 'publish')).json().error).toMatchObject({ code: 139002, message: '(#139002) Publishing Flow in invalid state' });
    expect((await post(id, 'deprecate')).json()).toEqual({ success: true });
    expect((await post(id, 'deprecate')).json().error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('only a PUBLISHED flow') } });
    expect((await get(id, 'status')).json()).toEqual({ id, status: 'DEPRECATED' });
  });

  it('refuses to deprecate a draft and to publish one without a valid Flow JSON', async () => {
    const empty = await newFlow({ name: 'empty', flow_json: undefined });
    expect((await post(empty, 'deprecate')).statusCode).toBe(400);
    expect((await post(empty, 'publish')).json().error).toMatchObject({ code: 139002, error_data: { details: expect.stringContaining('no Flow JSON') } });
    const broken = await create({ name: 'broken', categories: ['OTHER'], flow_json: '{"version":"7.2"}', publish: true });
    expect(broken.json()).toEqual({ id: expect.any(String), success: true, validation_errors: [expect.objectContaining({ error: 'MISSING_REQUIRED_PROPERTY' })] });
    expect((await get(broken.json().id, 'status')).json().status).toBe('DRAFT');
  });

  it('takes a new Flow JSON only while DRAFT, reporting validation_errors', async () => {
    const id = await newFlow();
    const upload = (file: string, type?: string) => sim.app.inject({ method: 'POST', url: `/v24.0/${id}/assets`, ...assetPayload(file, type) });
    expect((await upload('{"version":"7.2","screens":[{"id":"bad id!"}]}')).json()).toEqual({
      success: true,
      validation_errors: [expect.objectContaining({ error: 'INVALID_PROPERTY_VALUE', pointers: [expect.objectContaining({ path: 'screens[0].id' })] }), expect.objectContaining({ pointers: [expect.objectContaining({ path: 'screens[0].layout' })] })],
    });
    expect((await upload(valid, 'IMAGE')).json().error).toMatchObject({ code: 100 });
    expect((await upload(valid)).json()).toEqual({ success: true, validation_errors: [] });
    await post(id, 'publish');
    expect((await upload(valid)).json().error).toMatchObject({ code: 139001 });
  });

  it('keeps names unique per WABA and answers unknown fields and categories with code 100', async () => {
    await newFlow({ name: 'same' });
    expect((await create({ name: 'same', categories: ['OTHER'] })).json().error).toMatchObject({ code: 139004 });
    expect((await create({ name: 'other', categories: ['GAMES'] })).json().error).toMatchObject({ code: 100 });
    const id = await newFlow({ name: 'fields' });
    expect((await get(id, 'name,colour')).json().error).toMatchObject({ code: 100, message: '(#100) Tried accessing nonexisting field (colour) on node type (Flow)' });
    expect((await get(id, 'whatsapp_business_account,json_version')).json()).toEqual({ id, whatsapp_business_account: { id: NUMBER.waba_id }, json_version: '7.2' });
  });

  it('keeps a preview link until it expires or is invalidated', async () => {
    const id = await newFlow();
    const first = (await get(id, 'preview')).json().preview;
    expect(first).toEqual({ preview_url: expect.stringMatching(`^https://business.facebook.com/wa/manage/flows/${id}/preview/\\?token=`), expires_at: '2026-01-31T12:00:00+0000' });
    expect((await get(id, 'preview.invalidate(false)')).json().preview).toEqual(first);
    expect((await get(id, 'preview.invalidate(true)')).json().preview.preview_url).not.toBe(first.preview_url);
    clock.set(T0 + 31 * 24 * 3600 * 1000);
    expect((await get(id, 'preview')).json().preview.expires_at).toBe('2026-03-03T12:00:00+0000');
  });

  it("does not show a flow to a token of another WABA", async () => {
    const id = await newFlow();
    sim.registerNumber({ phone_number_id: '998877665544332', display_phone_number: '15550109999', waba_id: '998877665544000', access_token: 'other-token', app_secret: 's' });
    const other = { authorization: 'Bearer other-token' };
    for (const [method, url] of [['GET', `/v24.0/${id}`], ['POST', `/v24.0/${id}/publish`], ['POST', `/v24.0/${id}/deprecate`]] as const) {
      const res = await sim.app.inject({ method, url, headers: other });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    }
    expect((await sim.app.inject({ method: 'GET', url: flows, headers: other })).statusCode).toBe(403);
  });
});

describe('Flow JSON structure checks (pure)', () => {
  it.each([
    ['a valid flow', valid, []],
    ['text that is not JSON', '{"version":', ['INVALID_JSON@']],
    ['an array', '[]', ['INVALID_PROPERTY_VALUE@']],
    ['no version', '{"screens":[{"id":"A","layout":{"type":"SingleColumnLayout","children":[]}}]}', ['MISSING_REQUIRED_PROPERTY@version']],
    ['no screens', '{"version":"7.2"}', ['MISSING_REQUIRED_PROPERTY@screens']],
    ['a screen id with digits', '{"version":"7.2","screens":[{"id":"A1","layout":{"type":"SingleColumnLayout","children":[]}}]}', ['INVALID_PROPERTY_VALUE@screens[0].id']],
    ['another layout', '{"version":"7.2","screens":[{"id":"A","layout":{"type":"Grid","children":[]}}]}', ['INVALID_PROPERTY_VALUE@screens[0].layout.type']],
  ])('%s', (_what, text, expected) => {
    expect(checkFlowJson(text).validationErrors.map((e) => `${e.error}@${e.pointers[0]?.path ?? ''}`)).toEqual(expected);
  });

  it('locates an error at its key, lines and columns from 1', () => {
    const [error] = checkFlowJson('{\n  "version": "7.2",\n  "screens": [\n    { "id": "A", "layout": { "type": "Grid", "children": [] } }\n  ]\n}').validationErrors;
    expect(error).toMatchObject({ line_start: 4, line_end: 4, column_start: 30, column_end: 35 });
  });
});

describe('Graph field lists (pure)', () => {
  it.each([
    ['id,name', [['id', ''], ['name', '']]],
    ['preview.invalidate(false)', [['preview', 'invalidate(false)']]],
    [' status , preview.invalidate(true),whatsapp_business_account{id,name} ', [['status', ''], ['preview', 'invalidate(true)'], ['whatsapp_business_account', '{id,name}']]],
  ])('%s', (fields, expected) => {
    expect(parseFields(fields).map((f) => [f.name, f.modifier])).toEqual(expected);
  });
});
