/** X12 bookkeeping shared by every activity that sends or receives a file. */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { ediFiles } from './schema';

/** The next ISA13 / GS06 / ST02: a Postgres sequence, so concurrent workers never share one. */
export async function nextControlNumber(db: Db): Promise<number> {
  const result = await db.execute(sql`select nextval('interchange_control_number_seq') as value`);
  return Number((result as unknown as { rows: Array<{ value: string | number }> }).rows[0].value);
}

export const digestOf = (content: string) => createHash('sha256').update(content).digest('hex');

/** Keeps a file as sent or received; the same text twice is stored once. */
export async function storeEdiFile(db: Db, direction: 'outbound' | 'inbound', transaction: string, content: string): Promise<void> {
  await db.insert(ediFiles).values({ direction, transaction, digest: digestOf(content), content }).onConflictDoNothing();
}
