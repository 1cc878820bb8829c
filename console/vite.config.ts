import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/** The back-office console's build (`npm run build:console`): HQ serves `out/console` at `/console`. */
export default defineConfig({
  root: resolve(here),
  // HQ serves the app and its assets under /console/, and the SPA's deep links (/console/stores) need absolute asset paths.
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: resolve(here, '..', 'out', 'console'),
    emptyOutDir: true,
    sourcemap: false,
    // React, zod and i18next in one chunk: a back office on a desk loads it once and caches it for good.
    chunkSizeWarningLimit: 800,
  },
});
