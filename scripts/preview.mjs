/**
 * `npm run preview`: the register in a browser. Builds the renderer when out/renderer is missing or older
 * than anything under renderer/ or shared/, then runs the web host (electron/web-host.ts under tsx) as a
 * child that gets our signals and whose exit code becomes ours.
 *
 * stdout carries nothing but the web host's single ready line ("Kassa ready at http://…"): the build's
 * output goes to stderr, so scripts and tests can wait for that line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPackageBin } from './package-bin.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT_INDEX = path.join(ROOT, 'out', 'renderer', 'index.html');
const SOURCES = ['renderer', 'shared'].map((dir) => path.join(ROOT, dir));

/** The newest modification time of `dir` and everything under it (directories count: a deleted file changes one). */
function newestMtime(dir) {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function rendererIsStale() {
  if (!fs.existsSync(BUILT_INDEX)) return true;
  const built = fs.statSync(BUILT_INDEX).mtimeMs;
  return SOURCES.some((dir) => fs.existsSync(dir) && newestMtime(dir) > built);
}

function buildRenderer() {
  process.stderr.write('Building the renderer (out/renderer)…\n');
  // `vite build` through its own bin (what `npx vite` runs), with all of its output on stderr.
  return runPackageBin('vite', ['build', '--config', 'renderer/vite.config.ts'], ['ignore', 2, 2]) === 0;
}

if (rendererIsStale()) {
  if (!buildRenderer()) {
    process.stderr.write('The renderer build failed (see the messages above), so the preview cannot start.\n');
    process.exit(1);
  }
}

const host = spawn(process.execPath, ['--import', 'tsx', 'electron/web-host.ts'], { cwd: ROOT, stdio: 'inherit' });

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (host.exitCode === null && host.signalCode === null) host.kill(signal);
  });
}

host.on('error', (error) => {
  process.stderr.write(`Could not start the web host: ${error.message}\n`);
  process.exit(1);
});

host.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
});
