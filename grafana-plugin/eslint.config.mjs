import js from '@eslint/js';
import tsPlugin from '@typescript-eslint/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';

// The plugin's own lint config. The scaffold's (@grafana/eslint-config) needs eslint-plugin-react,
// which does not run on the ESLint 10 this repository uses, so this one stands alone: the recommended
// JavaScript, TypeScript (type-aware for .ts/.tsx) and React hooks rules, plus the plugin validator's
// code rules a linter can check (specs/grafana-plugin.md §5, grafana/plugin-validator semgrep rules).
// The TypeScript configs come from the plugin package, not typescript-eslint's `configs` getters, and
// tsconfigRootDir is explicit: the getters register this folder as a candidate root, which breaks the
// repository's root lint run (it loads both configs and could no longer infer its own root).
export default defineConfig(
  { ignores: ['**/node_modules/', '**/dist/', '.config/', '**/coverage/'] },
  js.configs.recommended,
  ...tsPlugin.configs['flat/recommended'],
  reactHooks.configs.flat.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['webpack.config.ts'] } },
    },
    rules: {
      '@typescript-eslint/no-deprecated': 'warn',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'alert', message: 'Grafana plugins must not use alert()' },
        { name: 'confirm', message: 'Use ConfirmModal from @grafana/ui' },
        { name: 'prompt', message: 'Grafana plugins must not use prompt()' },
        { name: 'fetch', message: 'HTTP goes through src/api (getBackendSrv), never fetch in components' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.name='window'][property.name=/^(grafanaBootData|grafanaRuntime|__grafanaSceneContext)$/]",
          message: 'Grafana internals are not a plugin API',
        },
        { selector: "Literal[value='/api/ds/query']", message: 'Query data sources through the Grafana runtime APIs' },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/ban-ts-comment': 'error',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['jest-setup.js'],
    languageOptions: { sourceType: 'module', globals: { HTMLCanvasElement: 'readonly' } },
  }
);
