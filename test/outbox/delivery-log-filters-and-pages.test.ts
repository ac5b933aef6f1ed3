import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { subscribe } from '../helpers/outbox.ts';
import { expectInvalid } from '../webhooks/helpers.ts';
import { api, DELIVERIES, insertDelivery } from './delivery-log-helpers.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(dialects)('delivery log filters and pages (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  /** A project with one number and one webhook to hang deliveries on. */
  async function world() {
    const t = await newTenant(gw);
    const hook = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: 'https://example.com/a' });
    const add = (d: Omit<Parameters<typeof insertDelivery>[1], 'projectId' | 'webhookId'> & { webhookId?: string }) =>
      insertDelivery(gw, { projectId: t.projectId, webhookId: hook.id, phoneNumberId: t.phoneNumberId, ...d });
    const ids = async (query = '') => {
      const res = await api(gw, t.apiKey, 'GET', `${DELIVERIES}${query}`);
      expect(res.statusCode).toBe(200);
      return (res.json().data as Array<{ id: string }>).map((d) => d.id);
    };
    return { t, hook, add, ids };
  }

  it('filters by status, event and webhook, newest first', async () => {
    const { t, add, ids } = await world();
    const other = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: 'https://example.com/b' });
    const now = gw.clock.now();
    const delivered = await add({ status: 'delivered', createdAt: now - 4_000 });
    const failed = await add({ status: 'failed', createdAt: now - 3_000, eventType: 'whatsapp.message.sent' });
    const pending = await add({ status: 'pending', createdAt: now - 2_000 });
    const elsewhere = await add({ webhookId: other.id, status: 'delivered', createdAt: now - 1_000, eventType: 'whatsapp.message.sent' });

    expect(await ids()).toEqual([elsewhere, pending, failed, delivered]);
    expect(await ids('?status=delivered')).toEqual([elsewhere, delivered]);
    expect(await ids('?status=failed')).toEqual([failed]);
    expect(await ids('?status=pending')).toEqual([pending]);
    expect(await ids('?event=whatsapp.message.sent')).toEqual([elsewhere, failed]);
    expect(await ids(`?webhook_id=${other.id}`)).toEqual([elsewhere]);
    expect(await ids(`?webhook_id=${other.id}&status=failed`)).toEqual([]);
    expect(await ids('?webhook_id=00000000-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('keeps only failed deliveries and those whose last attempt failed with errors_only', async () => {
    const { add, ids } = await world();
    const now = gw.clock.now();
    await add({ status: 'delivered', createdAt: now - 4_000 });
    const failed = await add({ status: 'failed', createdAt: now - 3_000 });
    const retrying = await add({ status: 'pending', createdAt: now - 2_000, lastError: 'timeout: receiver did not answer' });
    await add({ status: 'pending', createdAt: now - 1_000 });

    expect(await ids('?errors_only=true')).toEqual([retrying, failed]);
    expect(await ids('?errors_only=false')).toHaveLength(4);
  });

  it('looks back 24 hours by default, 7 or 30 days by period, and since/until replace the period', async () => {
    const { add, ids } = await world();
    const now = gw.clock.now();
    const hourAgo = await add({ createdAt: now - HOUR });
    const twoDays = await add({ createdAt: now - 2 * DAY });
    const tenDays = await add({ createdAt: now - 10 * DAY });
    const fortyDays = await add({ createdAt: now - 40 * DAY });
    const at = (ms: number) => new Date(ms).toISOString();

    expect(await ids()).toEqual([hourAgo]);
    expect(await ids('?period=24h')).toEqual([hourAgo]);
    expect(await ids('?period=7d')).toEqual([hourAgo, twoDays]);
    expect(await ids('?period=30d')).toEqual([hourAgo, twoDays, tenDays]);
    expect(await ids(`?since=${at(now - 45 * DAY)}&until=${at(now - 5 * DAY)}`)).toEqual([tenDays, fortyDays]);
    expect(await ids(`?period=24h&since=${at(now - 3 * DAY)}`)).toEqual([hourAgo, twoDays]);
    expect(await ids(`?until=${at(now - 2 * DAY)}`)).toEqual([twoDays, tenDays, fortyDays]);
    // Bounds are inclusive.
    expect(await ids(`?since=${at(now - 10 * DAY)}&until=${at(now - 10 * DAY)}`)).toEqual([tenDays]);
  });

  it('pages newest first with after and back with before, with full URLs and null at the ends', async () => {
    const { t, add } = await world();
    const now = gw.clock.now();
    const made: string[] = [];
    // Two share an instant: the insertion sequence orders them.
    for (const offset of [7_000, 6_000, 5_000, 5_000, 4_000, 3_000, 2_000]) made.push(await add({ createdAt: now - offset }));
    const newestFirst = [...made].reverse();
    const page = async (query: string) => {
      const res = await api(gw, t.apiKey, 'GET', `${DELIVERIES}${query}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      return { ids: (body.data as Array<{ id: string }>).map((d) => d.id), paging: body.paging };
    };

    const first = await page('?limit=3&status=delivered');
    expect(first.ids).toEqual(newestFirst.slice(0, 3));
    expect(first.paging.cursors.before).toBeNull();
    expect(first.paging.previous).toBeNull();
    expect(first.paging.next).toContain(`${DELIVERIES}?limit=3&status=delivered&after=`);
    const second = await page(`?limit=3&status=delivered&after=${first.paging.cursors.after}`);
    expect(second.ids).toEqual(newestFirst.slice(3, 6));
    const third = await page(`?limit=3&status=delivered&after=${second.paging.cursors.after}`);
    expect(third.ids).toEqual(newestFirst.slice(6));
    expect(third.paging.cursors.after).toBeNull();
    expect(third.paging.next).toBeNull();

    const back = await page(`?limit=3&status=delivered&before=${third.paging.cursors.before}`);
    expect(back.ids).toEqual(second.ids);
    const backAgain = await page(`?limit=3&status=delivered&before=${back.paging.cursors.before}`);
    expect(backAgain.ids).toEqual(first.ids);
    expect(backAgain.paging.cursors.before).toBeNull();
  });

  it('refuses bad parameters and foreign cursors in Meta’s envelope', async () => {
    const { t, add } = await world();
    await add({});
    await add({});
    const other = await world();
    await other.add({});
    await other.add({});
    const cursor = (await api(gw, other.t.apiKey, 'GET', `${DELIVERIES}?limit=1`)).json().paging.cursors.after;

    const get = (query: string) => api(gw, t.apiKey, 'GET', `${DELIVERIES}${query}`);
    expectInvalid(await get(`?after=${cursor}`), "Parameter 'after' is not a cursor issued by this list.");
    expectInvalid(await get(`?after=${cursor}&before=${cursor}`), "Parameters 'before' and 'after' cannot be combined.");
    for (const query of ['?limit=0', '?limit=101', '?status=sent', '?period=1y', '?errors_only=yes', '?since=yesterday']) {
      expect((await get(query)).statusCode, query).toBe(400);
    }
  });
});
