import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of the connectivity core (stryker.connectivity.config.mjs):
 * the machine's scenario and model tests (on simulated time), the service's and the heartbeat watch's.
 */
export default defineConfig({
  test: {
    include: ['electron/connectivity/**/*.test.ts'],
    // The integration tests run in real time against a fault proxy (12 s); the simulated ones cover the same paths.
    exclude: ['electron/connectivity/*.integration.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
