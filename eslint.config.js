import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Process boundaries (STYLE.md): shared/ is pure; renderer/ talks to the main process only through shared/;
// only electron/main.ts and electron/preload.ts import electron.
const nodeBuiltins = ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)];
const restrict = (...groups) => ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];
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
  { files: ['electron/**/*.test.ts'], rules: { 'no-restricted-imports': restrict(noRenderer, noServer) } },
  { files: ['server/**/*.ts'], rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noRegisterCore) } },
);
