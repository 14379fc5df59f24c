// Lint rules: typescript-eslint's recommended set; type-checking itself is `npm run typecheck`.
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['build/**', 'node_modules/**', 'bin/**', 'dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
);
