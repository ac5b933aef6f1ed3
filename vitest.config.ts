import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    // Setups that migrate a fresh database and spawn the CLI and serve take seconds each on a
    // busy machine.
    hookTimeout: 90_000,
    // Two cores, three workers: many files wait more than they compute (serve's start-up, broadcast
    // leases, webhook retries): with two workers both cores were idle ~45 % of the run (408 s on a
    // quiet machine); three took 331 s with the cores ~67 % busy (2026-12-07, 4,750 tests). (A third was refused
    // once, when CLI tests froze the in-process simulator with spawnSync for 20 s each and setups
    // ran past their timeouts; those now spawn asynchronously, test/helpers/cli.ts.)
    maxWorkers: 3,
    // Test files share a worker's modules instead of importing Fastify, the AWS SDK and the rest
    // afresh for each of 260 files: module loading was most of the suite's time. No test relies
    // on fresh module state (each builds its own deps, database and servers).
    isolate: false,
  },
});
