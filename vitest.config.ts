import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    // Setups that migrate a fresh database and spawn the CLI and serve take seconds each on a
    // busy machine.
    hookTimeout: 90_000,
    // Two cores, three workers: many test files spend most of their time waiting on child
    // processes (the CLI, serve, workers) or on leases and timers, so a third keeps both cores busy.
    maxWorkers: 3,
  },
});
