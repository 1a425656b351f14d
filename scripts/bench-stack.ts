/**
 * What bench:pipeline and bench:api run on: the test suite's Temporal stack (a dev server
 * in memory on loopback, the real worker with the sandbox payer answering after the given
 * delays, the mailbox workflow) over a fresh database (DATABASE_URL's Postgres server,
 * dropped afterwards; else PGlite). `stop()` undoes it all.
 */
import { createLogger } from '../logger';
import { createTestDatabase, type TestDatabase } from '../tests/support/database';
import { startTemporalStack, type TemporalStack } from '../tests/support/temporal-stack';

export type BenchStack = TemporalStack & { database: TestDatabase };

export const benchLogger = createLogger('warn');

export async function startBenchStack(sandbox: { acknowledgementDelayMs: number; remittanceDelayMs: number }): Promise<BenchStack> {
  const database = await createTestDatabase();
  const stack = await startTemporalStack(database, sandbox).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return {
    ...stack,
    database,
    async stop() {
      await stack.stop();
      await database.drop();
    },
  };
}

/** Runs a benchmark's main and exits with its outcome. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
