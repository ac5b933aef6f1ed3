import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    // Setups that migrate a fresh database and spawn the CLI and serve take seconds each on a
    // busy machine.
    hookTimeout: 90_000,
    // Two cores: two workers keep both busy without thrashing the databases (a third was tried:
    // no faster, and setups that spawn serve ran past their timeouts).
    maxWorkers: 2,
    // Test files share a worker's modules instead of importing Fastify, the AWS SDK and the rest
    // afresh for each of 260 files: module loading was most of the suite's time. No test relies
    // on fresh module state (each builds its own deps, database and servers).
    isolate: false,
  },
});
