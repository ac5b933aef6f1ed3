import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'coverage', '.scratch'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: ['src/cli/**', 'bench/**', 'bin/**'], rules: { 'no-console': 'off' } },
  // Frozen migrations take Kysely<any>: they must not depend on the app's current table types.
  { files: ['src/db/migrations/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['bin/**'], languageOptions: { globals: { process: 'readonly' } } },
);
