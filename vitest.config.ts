import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    include: ['{electron,shared,renderer,console,server,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    // scrypt and SQLite work make a few tests slower than the default on a busy 2-core machine.
    testTimeout: 20_000,
  },
});
