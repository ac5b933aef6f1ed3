import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/*
 * The direction of imports between src/'s folders (docs/architecture.md). Lowest first: each entry
 * names what it may import, and may name only entries above it in this list, so the allowed graph
 * has no cycle by construction (checked below). Type-only imports count like any other. A root
 * file is an entry of its own (`deps` is src/deps.ts). Imports within a folder are free.
 */
// What every domain may use: the plumbing it shares and the Deps type.
const base = ['config', 'clock', 'db', 'http', 'crypto', 'events', 'metrics', 'deps'];
const layers = [
  ['config', []],
  ['clock', []],
  ['version', []],
  ['heap-growth', []],
  ['db', ['config']],
  ['http', ['db']],
  ['crypto', ['config']],
  ['blobs', ['config']],
  ['graph', ['config', 'db', 'http', 'crypto']],
  ['jobs', ['clock', 'db']],
  ['events', ['db']],
  ['pacing', ['db']],
  ['metrics', ['config', 'clock', 'db', 'http']],
  ['deps', ['config', 'clock', 'db', 'http', 'crypto', 'blobs', 'graph', 'jobs', 'pacing', 'metrics']],
  ['tenants', [...base, 'graph']],
  ['webhooks', [...base, 'tenants']],
  ['contacts', [...base, 'tenants']],
  ['conversations', [...base, 'tenants', 'contacts']],
  ['media', [...base, 'blobs', 'graph', 'jobs', 'tenants', 'webhooks']],
  ['messages', [...base, 'tenants', 'contacts', 'conversations', 'media']],
  ['flows', [...base, 'graph', 'tenants']],
  ['calls', [...base, 'graph', 'tenants']],
  ['proxy', [...base, 'graph', 'pacing', 'tenants', 'media', 'messages', 'flows']],
  ['broadcasts', [...base, 'graph', 'jobs', 'pacing', 'tenants', 'messages', 'proxy']],
  ['outbox', [...base, 'jobs', 'tenants', 'webhooks', 'conversations', 'media', 'messages', 'broadcasts']],
  ['ingest', [...base, 'tenants', 'messages', 'calls', 'outbox']],
  ['simulator', ['http', 'ingest', 'pacing']],
  ['platform', [...base, 'tenants']],
  ['doctor', [...base, 'blobs', 'graph', 'tenants', 'webhooks']],
  ['sandbox', [...base, 'tenants', 'messages', 'simulator']],
  ['retention', [...base, 'blobs', 'media']],
  // The team inbox's browser API (docs/inbox-api.md): sessions, and the inbox's views of the domains.
  ['inbox', [...base, 'graph', 'pacing', 'tenants', 'contacts', 'conversations', 'media', 'messages', 'proxy', 'outbox']],
  ['app', ['version', 'deps', 'http', 'metrics', 'tenants', 'webhooks', 'contacts', 'conversations', 'media', 'messages', 'calls', 'flows', 'proxy', 'outbox', 'ingest', 'platform', 'broadcasts', 'inbox']],
  ['create-deps', ['config', 'clock', 'db', 'http', 'crypto', 'blobs', 'graph', 'jobs', 'pacing', 'metrics', 'deps']],
  ['cli', ['config', 'clock', 'version', 'heap-growth', 'db', 'http', 'metrics', 'deps', 'tenants', 'webhooks', 'conversations', 'media', 'proxy', 'outbox', 'simulator', 'sandbox', 'broadcasts', 'retention', 'doctor', 'inbox', 'app', 'create-deps']],
  ['main', ['cli']],
];
const rootFiles = new Set(['config', 'clock', 'version', 'heap-growth', 'deps', 'app', 'create-deps', 'main']);

const rank = new Map(layers.map(([name], i) => [name, i]));
for (const [name, uses] of layers) {
  for (const used of uses) {
    if (!(rank.get(used) < rank.get(name))) throw new Error(`eslint.config.js: '${name}' may import only entries listed before it, not '${used}'`);
  }
}

const selectorOf = (name) => (rootFiles.has(name) ? { file: { categories: name } } : { element: { type: name } });
const importDirection = {
  plugins: { boundaries },
  files: ['src/**/*.ts'],
  settings: {
    'boundaries/elements': layers.filter(([name]) => !rootFiles.has(name)).map(([name]) => ({ type: name, pattern: `src/${name}`, partialMatch: false })),
    'boundaries/files': [...rootFiles].map((name) => ({ category: name, pattern: `src/${name}.ts` })),
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        policies: layers.filter(([, uses]) => uses.length > 0).map(([name, uses]) => ({ from: selectorOf(name), allow: { to: uses.map(selectorOf) } })),
      },
    ],
    // A new top-level folder or root file must take its place in the list above.
    'boundaries/no-unknown-files': 'error',
  },
};

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'coverage', '.scratch', 'web/dist'] },
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
  { files: ['bin/**'], languageOptions: { globals: { process: 'readonly', URL: 'readonly' } } },
  importDirection,
  // The team inbox (web/): a browser app with its own tsconfig (web/tsconfig.json, checked by
  // `npm run typecheck`); React's rules of hooks on top of the rules above.
  {
    files: ['web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
  },
);
