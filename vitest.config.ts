import { defineConfig } from 'vitest/config';

/*
 * Three projects, one command (npm test):
 *  - unit: fakes only, fast;
 *  - integration: real mediasoup worker, real Redis, real sockets;
 *  - e2e: real Chromium. Browser files run one at a time: a 2-core machine
 *    holds 2-3 headless browsers in a call, not more.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'client/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/build-client.setup.ts'],
        },
      },
    ],
  },
});
