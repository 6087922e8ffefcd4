import { defineConfig } from 'vitest/config';

/*
 * Four projects, one command (npm test):
 *  - unit: fakes only, fast;
 *  - integration: real mediasoup worker, real Redis, real sockets;
 *  - e2e: real Chromium. Browser files run one at a time: a 2-core machine
 *    holds 2-3 headless browsers in a call, not more;
 *  - bench: the quick benchmark run, as a smoke test (works, not how fast).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // groupOrder: the browser tests start only once the others are done, so
          // Chromium never competes with the integration tests for the 2 cores.
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts', 'client/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/build-client.setup.ts'],
        },
      },
      {
        test: {
          // `npm run bench -- --quick` as a smoke test, last: it needs both cores to itself.
          name: 'bench',
          sequence: { groupOrder: 3 },
          include: ['test/bench/**/*.smoke.test.ts'],
          testTimeout: 240_000,
        },
      },
    ],
  },
});
