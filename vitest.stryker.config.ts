import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of the money and sync cores (stryker.config.mjs): the
 * unit and HQ route tests of checkout, payments, HQ's push and settlement, and the register's sync
 * engine. The long process proofs (crash, cuts, lost answers) stay out: they take minutes each.
 */
export default defineConfig({
  test: {
    include: [
      'electron/modules/checkout/**/*.test.ts',
      'electron/sync/**/*.test.ts',
      'server/src/payments/**/*.test.ts',
      'server/src/sync/**/*.test.ts',
      'server/src/orders/refunds.test.ts',
    ],
    exclude: ['electron/sync/*.integration.test.ts', 'electron/sync/sync.powercut.test.ts', 'electron/sync/sync.restore*.test.ts', 'electron/sync/sync.crash.test.ts', 'electron/sync/sync.cuts.test.ts', 'electron/sync/card-money.proof.test.ts', 'electron/sync/sync.integration.test.ts', 'server/src/sync/push.crash.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
