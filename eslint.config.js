import fs from 'node:fs';
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Process boundaries (STYLE.md): shared/ is pure; renderer/ talks to the main process only through shared/;
// only electron/main.ts and electron/preload.ts import electron.
// Anchored: a bare built-in name ('fs', 'console/x') or node:*, never a relative path that happens to end in one ('./console').
const nodeBuiltins = new RegExp(`^(?:node:.*|(?:${builtinModules.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(?:/.*)?)$`);
const restrict = (...groups) => ['error', { patterns: groups.map(([group, message]) => (group instanceof RegExp ? { regex: group.source, message } : { group, message })) }];
const noElectron = [['electron', 'electron/*'], 'Only electron/main.ts and electron/preload.ts may import electron; everything else runs under the web host too.'];
const noNode = [nodeBuiltins, 'shared/ and renderer/ run in the browser sandbox: no Node built-ins.'];
// shared/node/ holds the rules the register and HQ share that need Node (PIN hashing): only they import it.
const noNodeOnlyShared = [
  ['**/shared/node', '**/shared/node/**', './node', './node/**', '../node', '../node/**'],
  'shared/node/ needs Node: only the main process (electron/) and HQ (server/) import it.',
];
const noMainProcess = [['**/electron/**', '../electron', '../../electron'], 'The renderer reaches the main process only through the API in shared/.'];
const noRenderer = [['**/renderer/**'], 'The main process and HQ never import renderer code.'];
const noServer = [['**/server/**'], 'The register and HQ share code only through shared/.'];
const noRegisterCore = [['**/electron/**'], 'HQ and the register share code only through shared/.'];
// A module plugs in: its folder is private; others reach it only through its index.ts (STYLE.md, "A module plugs in").
const modules = fs.readdirSync(new URL('electron/modules/', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const internalsOf = (names) => new RegExp(`^(?:\\.\\./)+(?:modules/)?(?:${names.join('|')})/(?!index(?:\\.ts)?$)`);
const noOtherModuleInternals = (own) => [internalsOf(modules.filter((m) => m !== own)), 'Another module is reached through its index.ts only (electron/modules/<name>/index.ts): its repositories and files are its own.'];
const noModuleInternals = [internalsOf(modules), 'A module is reached through its index.ts only (electron/modules/<name>/index.ts): its repositories and files are its own.'];
// The core runs under any host: it never imports the shell (the Electron entry points, the web host and its server).
const shell = ['electron/main.ts', 'electron/preload.ts', 'electron/web-host.ts', 'electron/host/**'];
const noShell = [/^(?:\.\.\/)+(?:host(?:\/.*)?|web-host|main|preload)$/, 'The core never imports the shell (electron/main.ts, preload.ts, web-host.ts, host/): the shell hands the core what it needs.'];
const tests = ['electron/**/*.test.ts', 'electron/**/testing/**', 'electron/test/**'];
const noDom = ['window', 'document', 'navigator', 'localStorage', 'location'].map((name) => ({ name, message: 'shared/ must not touch the DOM.' }));

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', '.tsbuild/', 'native/', 'test-results/', 'playwright-report/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  { files: ['**/*.{js,mjs,cjs}', 'scripts/**', 'e2e/**', 'bench/**', '*.config.*'], languageOptions: { globals: { ...globals.node } } },
  { files: ['shared/**/*.ts'], rules: { 'no-restricted-imports': restrict(noNode, noElectron, noMainProcess, noRenderer, noServer, noNodeOnlyShared), 'no-restricted-globals': ['error', ...noDom] } },
  { files: ['shared/**/*.test.ts'], rules: { 'no-restricted-imports': restrict(noElectron, noMainProcess, noRenderer, noServer, noNodeOnlyShared), 'no-restricted-globals': 'off' } },
  { files: ['shared/node/**/*.ts'], rules: { 'no-restricted-imports': restrict(noElectron, noMainProcess, noRenderer, noServer) } },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-imports': restrict(noNode, noElectron, noMainProcess, noServer, noNodeOnlyShared) },
  },
  { files: ['electron/**/*.ts'], ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/**/*.test.ts'], rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noServer) } },
  { files: ['electron/**/*.ts'], ignores: [...shell, ...tests], rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noServer, noShell) } },
  ...modules.map((name) => ({
    files: [`electron/modules/${name}/**/*.ts`],
    ignores: tests,
    rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noServer, noShell, noOtherModuleInternals(name)) },
  })),
  {
    files: ['electron/{sync,hq,connectivity,db,settings,updates,fs,hardware}/**/*.ts'],
    ignores: tests,
    rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noServer, noShell, noModuleInternals) },
  },
  { files: ['electron/**/*.test.ts'], rules: { 'no-restricted-imports': restrict(noRenderer, noServer) } },
  { files: ['server/**/*.ts'], rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noRegisterCore) } },
);
