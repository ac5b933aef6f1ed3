import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappConfigId } from '../../src/tenants/config-id.ts';
import { expectAuthRequired } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey } from '../helpers/history.ts';

const URL = '/platform/v1/whatsapp/phone_numbers';

describe.each(dialects)('GET /platform/v1/whatsapp/phone_numbers (%s)', (dialect) => {
  let gw: TestGateway;
  let project: Awaited<ReturnType<typeof newProject>>;
  let numbers: Array<Awaited<ReturnType<typeof newPhoneNumber>>>;
  const list = (query = '', apiKey = project.apiKey) => getWithKey(gw, apiKey, `${URL}${query}`);

  beforeAll(async () => {
    gw = await startGateway(dialect);
    project = await newProject(gw);
    numbers = [];
    for (let i = 0; i < 3; i++) {
      numbers.push(await newPhoneNumber(gw, project.projectId));
      gw.clock.advance(1_000);
    }
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it("answers the project's numbers, connected and processing inbound, in the Platform envelope", async () => {
      const res = await list();
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.meta).toEqual({ page: 1, per_page: 20, total_pages: 1, total_count: 3 });
      expect(body.data.map((n: { id: string }) => n.id)).toEqual(numbers.map((n) => n.phoneNumberId));
      const [first] = numbers;
      expect(body.data[0]).toMatchObject({
        id: first?.phoneNumberId,
        internal_id: whatsappConfigId(first?.phoneNumberId ?? ''),
        phone_number_id: first?.phoneNumberId,
        business_account_id: first?.wabaId,
        display_phone_number: `+${first?.displayPhoneNumber}`,
        display_phone_number_normalized: first?.displayPhoneNumber,
        name: `+${first?.displayPhoneNumber}`,
        status: 'CONNECTED',
        inbound_processing_enabled: true,
        customer_id: null,
      });
    });

    it('never shows a secret', async () => {
      const text = (await list()).body;
      for (const n of numbers) {
        expect(text).not.toContain(n.accessToken);
        expect(text).not.toContain(n.appSecret);
        expect(text).not.toContain(n.verifyToken);
      }
      expect(text).not.toMatch(/access_token|app_secret|verify_token/);
    });

    it.each<[string, number[], object]>([
      ['?page=1&per_page=2', [0, 1], { page: 1, per_page: 2, total_pages: 2, total_count: 3 }],
      ['?page=2&per_page=2', [2], { page: 2, per_page: 2, total_pages: 2, total_count: 3 }],
      ['?page=3&per_page=2', [], { page: 3, per_page: 2, total_pages: 2, total_count: 3 }],
      ['?per_page=100', [0, 1, 2], { page: 1, per_page: 100, total_pages: 1, total_count: 3 }],
    ])('pages %s as the inbox loops over meta.total_pages', async (query, indexes, meta) => {
      const body = (await list(query)).json();
      expect(body.data.map((n: { id: string }) => n.id)).toEqual(indexes.map((i) => numbers[i]?.phoneNumberId));
      expect(body.meta).toEqual(meta);
    });

    it('answers no numbers for a customer_id, as none is linked to a customer', async () => {
      expect((await list(`?customer_id=${randomUUID()}`)).json()).toEqual({ data: [], meta: { page: 1, per_page: 20, total_pages: 0, total_count: 0 } });
    });
  });

  describe('errors', () => {
    it.each<[string, string]>([
      ['page=0', 'page'],
      ['page=51', 'page'],
      ['page=abc', 'page'],
      ['per_page=0', 'per_page'],
      ['per_page=101', 'per_page'],
      ['customer_id=nope', 'customer_id'],
    ])('answers 400 naming the parameter for %s', async (query, parameter) => {
      expectInvalidParameter(await list(`?${query}`), parameter);
    });

    it('answers 400 beyond the 5,000th row', async () => {
      expectInvalidParameter(await list('?page=51&per_page=100'), 'page');
      expectInvalidParameter(await list('?page=50&per_page=101'), 'per_page');
      expect((await list('?page=50&per_page=100')).statusCode).toBe(200);
    });
  });

  describe('security', () => {
    it('requires a valid project key', async () => {
      await expectAuthRequired(gw, { method: 'GET', url: URL });
    });

    it("never lists another project's numbers", async () => {
      const stranger = await newProject(gw);
      const own = await newPhoneNumber(gw, stranger.projectId);
      const body = (await list('', stranger.apiKey)).json();
      expect(body.data.map((n: { id: string }) => n.id)).toEqual([own.phoneNumberId]);
      expect(body.meta.total_count).toBe(1);
    });

    it('answers a project with no number with an empty list', async () => {
      const empty = await newProject(gw);
      expect((await list('', empty.apiKey)).json()).toEqual({ data: [], meta: { page: 1, per_page: 20, total_pages: 0, total_count: 0 } });
    });
  });
});
