/**
 * The gateway the benchmarks load: `switchboard serve` exactly, plus the fixed-JSON baseline route
 * (fixed-route.ts), registered here so that the production app never serves it.
 */
import { serve } from '../src/cli/serve.ts';
import { fixedJsonRoute } from './fixed-route.ts';

await serve({
  extendApp: async (app) => {
    await app.register(fixedJsonRoute);
  },
});
