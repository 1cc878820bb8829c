/**
 * Mutation testing of the safety-critical money and sync paths (`npx stryker run`; the score is in the
 * README). A mutant that survives in a money or state path is a missing test.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'electron/modules/checkout/sale.service.ts',
    'electron/modules/checkout/sale.repository.ts',
    'electron/modules/checkout/card-terminal.ts',
    'server/src/payments/*.ts',
    '!server/src/payments/*.test.ts',
    'server/src/sync/push.service.ts',
    'electron/sync/*.ts',
    '!electron/sync/*.test.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  ignoreStatic: true,
};
