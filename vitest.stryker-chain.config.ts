import { defineConfig } from 'vitest/config';

/** The tests StrykerJS runs against each mutant of the group commit and the feed sequencer (stryker.chain.config.mjs). */
export default defineConfig({
  test: {
    include: ['server/src/sync/group-commit.test.ts', 'server/src/sync/group-commit.limits.test.ts', 'server/src/db/feed-sequencer.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
