import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer's build, shared by the browser preview (`npm run build:renderer`) and electron-vite. */
export const rendererConfig = {
  root: resolve(import.meta.dirname),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, '..', 'out', 'renderer'),
    emptyOutDir: true,
    // A register has no use for source maps in production, and they would leak source to the page.
    sourcemap: false,
  },
};

export default defineConfig(rendererConfig);
