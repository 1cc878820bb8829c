import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config';

/*
 * electron-vite v6. It bundles this file into a temporary .mjs next to it before loading it and rewrites
 * `import.meta.url` (not `import.meta.dirname`) to the real file's URL, so paths are derived from
 * `import.meta.url` here, and the renderer's root and outDir are pinned again below rather than trusted
 * from renderer/vite.config.ts (whose `import.meta.dirname` points at this folder once bundled).
 *
 * Dependencies listed in package.json "dependencies" (better-sqlite3, fastify, pino, …) are left as
 * imports in main: `build.externalizeDeps` is on by default in electron-vite v5+ (it replaced
 * `externalizeDepsPlugin()`), and Node built-ins and `electron` are always external.
 */
const root = fileURLToPath(new URL('.', import.meta.url));
const fromRoot = (...segments: string[]) => resolve(root, ...segments);

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out', 'main'),
      externalizeDeps: true,
      rollupOptions: {
        input: { main: fromRoot('electron', 'main.ts') },
        // "type": "module" in package.json: the main process is an ES module (out/main/main.js).
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out', 'preload'),
      // A sandboxed preload cannot load ES modules or anything from node_modules: one CommonJS file with
      // everything but `electron` bundled in.
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: fromRoot('electron', 'preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    root: fromRoot('renderer'),
    build: {
      ...rendererConfig.build,
      outDir: fromRoot('out', 'renderer'),
      rollupOptions: {
        input: { index: fromRoot('renderer', 'index.html') },
      },
    },
  },
});
