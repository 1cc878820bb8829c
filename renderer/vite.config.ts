import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// electron-vite rewrites import.meta.url when it loads this file, but not import.meta.dirname.
const here = dirname(fileURLToPath(import.meta.url));

/** The renderer's build, shared by the browser preview (`npm run build:renderer`) and electron-vite. */
export const rendererConfig = {
  root: resolve(here),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(here, '..', 'out', 'renderer'),
    emptyOutDir: true,
    // A register has no use for source maps in production, and they would leak source to the page.
    sourcemap: false,
  },
};

export default defineConfig(rendererConfig);
