import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { getWithKey, type SeedMessage, storeMessages } from '../helpers/history.ts';

const T0 = 1767268800;
const STORED = 1_000;
const PAGE = 7;

interface Item {
  id: string;
  timestamp: string;
}

interface ListBody {
  data: Item[];
  paging: { next: string | null; previous: string | null };
}

describe.each(dialects)('paging through a history while messages arrive (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let arrivals = 0;
  const originals: SeedMessage[] = Array.from({ length: STORED }, (_, i) => ({
    id: `wamid.stored.${i}`,
    // Three messages per second: ties on the timestamp, so the sequence must order them.
    timestamp: T0 + Math.floor(i / 3),
    waId: `141555500${String(i % 10).padStart(2, '0')}`,
    direction: i % 4 === 0 ? 'outbound' : 'inbound',
  }));

  /** Between two pages: one message newer than all, one stamped somewhere inside the history. */
  const moreArrive = () => {
    arrivals += 1;
    return storeMessages(gw, t.phoneNumberId, [
      { id: `wamid.new.${arrivals}`, timestamp: T0 + 100_000 + arrivals },
      { id: `wamid.late.${arrivals}`, timestamp: T0 + ((arrivals * 37) % 334), waId: '14155550042' },
    ]);
  };

  const page = async (url: string): Promise<ListBody> => {
    const res = await getWithKey(gw, t.apiKey, url);
    expect(res.statusCode).toBe(200);
    const body = res.json() as ListBody;
    expect(body.data.length).toBeLessThanOrEqual(PAGE);
    return body;
  };

  const expectEachStoredOnce = (seen: readonly Item[]) => {
    const ids = seen.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const stored = ids.filter((id) => id.startsWith('wamid.stored.'));
    expect(stored).toHaveLength(STORED);
    expect(new Set(stored)).toEqual(new Set(originals.map((m) => m.id)));
  };

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, originals);
  });
  afterAll(() => gw.close());

  it('returns each stored message exactly once paging forward, then back, in pages of 7', async () => {
    const forward: Item[] = [];
    let body = await page(`/v24.0/${t.phoneNumberId}/messages?limit=${PAGE}`);
    forward.push(...body.data);
    while (body.paging.next !== null) {
      await moreArrive();
      body = await page(body.paging.next);
      forward.push(...body.data);
    }
    expectEachStoredOnce(forward);
    // Newest first throughout, even across the pages messages arrived between.
    const times = forward.map((m) => Number(m.timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const backward: Item[] = [...body.data];
    while (body.paging.previous !== null) {
      await moreArrive();
      body = await page(body.paging.previous);
      backward.unshift(...body.data);
    }
    expectEachStoredOnce(backward);
    // Walking back ends on the newest message of all, including those that arrived meanwhile.
    expect(backward[0]?.id).toBe(`wamid.new.${arrivals}`);
  }, 60_000);
});
