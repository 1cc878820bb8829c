import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of the connectivity core (stryker.connectivity.config.mjs):
 * the machine's scenario and model tests, the service's, the heartbeat watch's, and the integration tests
 * against a real HTTP HQ through the fault proxy.
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
