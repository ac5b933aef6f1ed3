import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores, three workers: many test files spend most of their time waiting on child
    // processes (the CLI, serve, workers) or on leases and timers, so a third keeps both cores busy.
    maxWorkers: 3,
  },
});
