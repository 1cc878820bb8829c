/**
 * Mutation testing of the authority and refund-money cores (`npm run mutation:authority`): the register's
 * PIN lockout, the per-key locks, the refund path (reserve, pay out, write), and HQ's route declarations,
 * store scope and attempt limits. A mutant that survives here is a check nobody tests.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker-authority.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'electron/modules/auth/lockout.ts',
    'electron/core/keyed-lock.ts',
    'electron/modules/orders/orders.service.ts:215-400',
    'server/src/http/access.ts',
    'server/src/http/scope.ts',
    'server/src/http/failure-limiter.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/authority.json' },
  tempDirName: '.stryker-tmp',
  ignoreStatic: true,
};
