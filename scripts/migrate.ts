/**
 * `npm run db:migrate`: applies the committed migrations to DATABASE_URL (or the
 * embedded PGlite under DATA_DIR) and seeds the reference payers. The worker and the
 * API do the same at start; this is for deployments that migrate as a separate step.
 */
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { seedReferenceData } from '../db/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await database.migrate();
    await seedReferenceData(database.db);
    process.stdout.write(`Migrations applied to ${database.kind === 'pglite' ? `PGlite in ${config.DATA_DIR}` : 'DATABASE_URL'}; payers seeded.\n`);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
