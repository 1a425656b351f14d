// ESLint: the recommended JavaScript and TypeScript rules, Prettier owning layout
// (eslint-config-prettier turns off every rule it would fight), and DESIGN.md's
// "Rules of the house" on imports written out per folder, so a layering slip fails CI
// instead of waiting for review.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Escapes a literal for use inside a regular expression.
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
// An import of one of the project's top-level folders or files, from any depth.
const project = (...names) => `^(\\.\\./)+(${names.map(literal).join('|')})(/|$)`;

/**
 * One `no-restricted-imports` setting per folder. Type-only imports (`import type`) pass
 * where a pattern says `allowTypeImports`: types leave no code behind in the bundle.
 */
const restrictImports = (...patterns) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { paths: patterns.flatMap((p) => p.paths ?? []), patterns: patterns.flatMap((p) => p.patterns ?? []) },
  ],
});

// Node's built-in modules, bare (`fs`) or prefixed (`node:fs`).
const noNode = (why) => ({
  paths: builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message: why })),
  patterns: [{ regex: '^node:', message: why }],
});

// workflows/: deterministic code the worker bundles. Only the workflow SDK (and the
// common SDK types and errors already in use), domain/ and its own files; activities are
// typed for proxyActivities<typeof …>() through `import type` only. `depth` is how far
// below workflows/ the file sits (the order's stages live in workflows/order/), so `up`
// reaches the repository root and anything shallower stays inside workflows/.
const workflowImports = (depth) => {
  const up = '\\.\\./'.repeat(depth + 1);
  const inside = depth === 0 ? '\\./' : `(\\./|(\\.\\./){1,${depth}}(?!\\.\\./))`;
  return [
    {
      patterns: [
        {
          regex: `^(?!@temporalio/workflow$|@temporalio/common$|${inside}|${up}domain(/|$)|${up}activities/)`,
          message:
            'workflows/ imports only @temporalio/workflow, domain/ and its own files: no Node modules, db/, api/ or config (DESIGN.md, Rules of the house)',
        },
        {
          regex: `^${up}activities/`,
          allowTypeImports: true,
          message: 'workflows/ reaches activities through proxyActivities: use `import type` (DESIGN.md, Rules of the house)',
        },
      ],
    },
  ];
};

// domain/: pure billing knowledge, no I/O and no framework.
const domainImports = [
  noNode('domain/ has no I/O: no Node modules (DESIGN.md, Rules of the house)'),
  {
    patterns: [
      {
        regex: '^(@temporalio/|@hono/|hono(/|$)|drizzle-orm(/|$)|drizzle-kit(/|$)|pg(/|$)|@electric-sql/)',
        message: 'domain/ has no framework imports: pass data in, return data out (DESIGN.md, Rules of the house)',
      },
      {
        regex: project('db', 'api', 'activities', 'workflows', 'scripts', 'config', 'logger', 'worker'),
        message: 'domain/ is the bottom layer: it imports only its own files (DESIGN.md, Rules of the house)',
      },
    ],
  },
];

// db/: the schema and the client; the layers above import it, never the other way round.
const dbImports = [
  {
    patterns: [
      {
        regex: project('workflows', 'api', 'activities'),
        message: 'db/ does not import workflows/, api/ or activities/: shared definitions live in domain/',
      },
    ],
  },
];

// api/: validates, persists intake data, starts workflows and signals them; durable work
// belongs to activities run by a workflow.
const apiImports = [
  {
    patterns: [
      {
        regex: project('activities'),
        allowTypeImports: true,
        message: 'api/ does not run activities: start or signal a workflow instead (DESIGN.md, Rules of the house)',
      },
    ],
  },
];
// Routes that call activity code inside the request today (issue 14 moves this durable
// work into workflows); each line goes when its route stops importing activities/.
const apiRoutesRunningActivities = [
  'api/routes/appeals.ts', // recordPatientPayment
  'api/routes/credit-balances.ts', // balancesOf
  'api/routes/remittances.ts', // storeRemittances: the 835 is stored in the request, posted by remittanceWorkflow
  'api/routes/orders.ts', // markOrderWorkflowStarted: intake's start marker, shared with the worker's relay
  'api/temporal.ts', // startOrderWorkflow / startRemittanceWorkflow: the one way to start them, shared with the relay
];

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', '.data/', 'db/migrations/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // `_`-prefixed names mark parameters kept for a shared signature (route installers, callbacks).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Style only: `/ {10}/` says nothing `/          /` does not.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // tsc's noFallthroughCasesInSwitch (tsconfig.json) checks this and, unlike ESLint, knows
      // that a call returning `never` (X12's fail()) ends the case.
      'no-fallthrough': 'off',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // Tests read JSON answers and poke at invalid shapes on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Loads the test harness lazily and resolves protobufjs next to @temporalio/proto.
    files: ['scripts/record-histories.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain CommonJS run by node (the container health check, the Jest config).
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...[0, 1, 2].map((depth) => ({ files: [`workflows/${'*/'.repeat(depth)}*.ts`], rules: restrictImports(...workflowImports(depth)) })),
  { files: ['domain/**/*.ts'], rules: restrictImports(...domainImports) },
  { files: ['db/**/*.ts'], rules: restrictImports(...dbImports) },
  { files: ['api/**/*.ts'], ignores: apiRoutesRunningActivities, rules: restrictImports(...apiImports) },
  prettier,
);
