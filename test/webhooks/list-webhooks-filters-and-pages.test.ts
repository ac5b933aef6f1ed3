import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { call, createWebhook, iso, numberWebhooks, PROJECT_WEBHOOKS } from './helpers.ts';

const EVENTS = ['whatsapp.message.received'];

describe.each(dialects)('listing webhook subscriptions (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let second: Awaited<ReturnType<typeof newPhoneNumber>>;
  /** Created one second apart, oldest first. */
  const hooks: Array<Awaited<ReturnType<typeof createWebhook>>> = [];

  const ids = (res: { json(): { data: Array<{ id: string }> } }) => res.json().data.map((w) => w.id);
  const newestFirst = (...indexes: number[]) => indexes.map((i) => hooks[i]?.id);

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    second = await newPhoneNumber(gw, t.projectId);
    const specs: Array<[string, Record<string, unknown>]> = [
      [numberWebhooks(t.phoneNumberId), { url: 'https://orders.example.com/a_b', events: EVENTS }],
      [numberWebhooks(t.phoneNumberId), { url: 'https://orders.example.com/axb', events: EVENTS, active: false }],
      [numberWebhooks(second.phoneNumberId), { url: 'https://crm.example.com/100%', events: EVENTS }],
      [PROJECT_WEBHOOKS, { url: 'https://ORDERS.example.com/lifecycle', events: ['whatsapp.phone_number.created'] }],
      [PROJECT_WEBHOOKS, { url: 'https://crm.example.com/flows', events: ['workflow.execution.failed'], active: false }],
    ];
    for (const [collection, fields] of specs) {
      gw.clock.advance(1_000);
      hooks.push(await createWebhook(gw, t.apiKey, collection, fields));
    }
  });
  afterAll(() => gw.close());

  it('pages the project’s webhooks most recent first, with Platform meta', async () => {
    const page1 = await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?per_page=2`);
    expect(ids(page1)).toEqual(newestFirst(4, 3));
    expect(page1.json().meta).toEqual({ page: 1, per_page: 2, total_pages: 3, total_count: 5 });
    expect(page1.json().data[0]).toEqual(hooks[4]);
    expect(ids(await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?per_page=2&page=2`))).toEqual(newestFirst(2, 1));
    const page3 = await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?per_page=2&page=3`);
    expect(ids(page3)).toEqual(newestFirst(0));
    const beyond = await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?per_page=2&page=4`);
    expect(beyond.json()).toEqual({ data: [], meta: { page: 4, per_page: 2, total_pages: 3, total_count: 5 } });
  });

  it.each<[string, number[]]>([
    ['url_contains=orders', [3, 1, 0]],
    ['url_contains=ORDERS.EXAMPLE', [3, 1, 0]],
    ['url_contains=_b', [0]],
    ['url_contains=100%25', [2]],
    ['active=true', [3, 2, 0]],
    ['active=false', [4, 1]],
    ['url_contains=crm&active=false', [4]],
  ])('filters the project list by %s', async (query, expected) => {
    expect(ids(await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?${query}`))).toEqual(newestFirst(...expected));
  });

  it('filters by creation instant, both bounds exclusive', async () => {
    const at = (i: number) => Date.parse((hooks[i]?.created_at as string).replace('000Z', 'Z'));
    const after = encodeURIComponent(new Date(at(1)).toISOString());
    const before = encodeURIComponent(new Date(at(4)).toISOString());
    expect(ids(await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?created_after=${after}`))).toEqual(newestFirst(4, 3, 2));
    expect(ids(await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?created_after=${after}&created_before=${before}`))).toEqual(newestFirst(3, 2));
    expect(hooks[0]?.created_at).toBe(iso(at(0)));
  });

  it('filters the project list by phone number', async () => {
    expect(ids(await call(gw, t.apiKey, 'GET', `${PROJECT_WEBHOOKS}?phone_number_id=${second.phoneNumberId}`))).toEqual(newestFirst(2));
  });

  it('lists one number’s webhooks on its collection, with the same filters', async () => {
    const res = await call(gw, t.apiKey, 'GET', numberWebhooks(t.phoneNumberId));
    expect(res.json()).toEqual({ data: [hooks[1], hooks[0]], meta: { page: 1, per_page: 20, total_pages: 1, total_count: 2 } });
    expect(ids(await call(gw, t.apiKey, 'GET', `${numberWebhooks(t.phoneNumberId)}?active=true`))).toEqual(newestFirst(0));
    expect(ids(await call(gw, t.apiKey, 'GET', `${numberWebhooks(t.phoneNumberId)}?per_page=1&page=2`))).toEqual(newestFirst(0));
  });

  it('answers an empty page for a number without webhooks', async () => {
    const bare = await newPhoneNumber(gw, t.projectId);
    const res = await call(gw, t.apiKey, 'GET', numberWebhooks(bare.phoneNumberId));
    expect(res.json()).toEqual({ data: [], meta: { page: 1, per_page: 20, total_pages: 0, total_count: 0 } });
  });
});
