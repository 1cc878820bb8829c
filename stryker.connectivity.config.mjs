/**
 * Mutation testing of the connectivity core (`npm run mutation:connectivity`): the machine's guards,
 * delays and actions, the service that runs it, the heartbeat watch and the transition log. A mutant
 * that survives in a guard or a delay is a missing test.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker-connectivity.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['electron/connectivity/*.ts', '!electron/connectivity/*.test.ts', '!electron/connectivity/connectivity.handlers.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/connectivity.json' },
  tempDirName: '.stryker-tmp',
  ignoreStatic: true,
};
