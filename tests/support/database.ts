/**
 * A fresh database for one test file: with DATABASE_URL (CI, .ci/run) a new Postgres
 * database on that server, created from the template of the committed migrations;
 * without it an in-memory PGlite. Each file gets its own, so files never see each
 * other's rows.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../db/client';
import { seedReferenceData } from '../../db/seed';

export interface TestDatabase extends Database {
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    await seedReferenceData(database.db);
    return { ...database, drop: () => database.close() };
  }
  const name = `dme_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ dataDir: 'unused', databaseUrl: url.toString() });
  await database.migrate();
  await seedReferenceData(database.db);
  return {
    ...database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      await withAdmin(serverUrl, async (admin) => {
        // Not DROP … WITH (FORCE): it also tries to terminate an autovacuum worker busy in the
        // database (it runs as no role), which a non-superuser may not, and the drop fails.
        // Our own stray connections are ended here; a plain DROP then waits out autovacuum.
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()',
          [name],
        );
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}

async function withAdmin(serverUrl: string, run: (client: Client) => Promise<unknown>) {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
