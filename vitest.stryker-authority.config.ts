import { defineConfig } from 'vitest/config';

/** The tests StrykerJS runs against each mutant of the authority cores (stryker.authority.config.mjs). */
export default defineConfig({
  test: {
    include: [
      'electron/modules/auth/**/*.test.ts',
      'electron/core/keyed-lock.test.ts',
      'electron/modules/orders/**/*.test.ts',
      'server/src/http/**/*.test.ts',
      'server/src/sync/push.scope.test.ts',
      'server/src/registers/registers.routes.test.ts',
      'server/src/payments/payments.routes.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
  },
});
