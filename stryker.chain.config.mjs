/**
 * Mutation testing of HQ's chain-scale write path (`npm run mutation:chain`): the group commit of
 * concurrent pushes and the feed sequencer that numbers their changes. The sequencer's proofs run on
 * PostgreSQL only: set KASSA_TEST_DATABASE_URL, or its mutants survive. A mutant that survives here is a
 * check nobody tests.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker-chain.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['server/src/sync/group-commit.ts', 'server/src/db/feed-sequencer.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 3_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/chain.json' },
  tempDirName: '.stryker-tmp',
  ignoreStatic: true,
};
