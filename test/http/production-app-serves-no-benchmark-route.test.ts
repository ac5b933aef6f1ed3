import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

/** The fixed-JSON baseline of `npm run bench` is registered by the bench's own process only (bench/gateway.ts). */
describe.each(dialects)('the production app and the benchmark baseline (%s)', (dialect) => {
  let gw: TestGateway | null = null;
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });

  it('answers 404 for /_bench/fixed, even with the old BENCH_ROUTES=true switch set', async () => {
    gw = await startGateway(dialect, { BENCH_ROUTES: 'true' });
    const res = await gw.app.inject({ method: 'GET', url: '/_bench/fixed' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toHaveProperty('error');
  });
});
