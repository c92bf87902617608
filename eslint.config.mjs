// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules over the
// sources, tests, benchmarks, tools and scripts (`npm run lint`, with Prettier's check;
// `npm test` runs it first). TypeScript itself checks names, so `no-undef` is off.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const node = ['console', 'process', 'performance', 'setTimeout', 'clearTimeout', 'Buffer', 'URL'];

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'runs/', '.cache/', 'fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: Object.fromEntries(node.map((g) => [g, 'readonly'])) },
    rules: {
      'no-undef': 'off',
      // A leading underscore marks a name that is there for its position (an unused parameter,
      // a destructured key left out of a rest object).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
