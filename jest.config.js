/**
 * Jest runs TypeScript through SWC (no type check here: `npm run typecheck` does that).
 * Two projects: `unit` needs no Temporal (pure rules, X12, activities against a test
 * database) and starts in seconds (`npm run test:unit`); `integration` provisions the
 * Temporal binaries once in its global setup and runs workflows, the API and end-to-end
 * flows against real servers. `npm test` runs both, two files at a time (`--maxWorkers=2`):
 * most of a file's time is spent waiting on servers, timers and pyx12, and in one band
 * the suite took 14–15 minutes on the 2-core CI machine against about 10 with two. Every
 * file has its own database, Temporal servers, ports and DATA_DIR, so files never share state.
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testTimeout: 60_000,
};

module.exports = {
  testTimeout: shared.testTimeout,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/tests/unit'] },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/tests/workflow', '<rootDir>/tests/api', '<rootDir>/tests/e2e'],
      globalSetup: '<rootDir>/tests/global-setup.ts',
    },
  ],
};
