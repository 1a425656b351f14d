/** X12 bookkeeping shared by every activity that sends or receives a file. */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { ediFiles, inquiryControlNumbers, mailboxWake } from './schema';

/** The next ISA13 / GS06 / ST02: a Postgres sequence, so concurrent workers never share one. */
export async function nextControlNumber(db: Db): Promise<number> {
  const result = await db.execute(sql`select nextval('interchange_control_number_seq') as value`);
  return Number((result as unknown as { rows: Array<{ value: string | number }> }).rows[0].value);
}

/**
 * The control number of one inquiry: reserved the first time, the same one on every
 * retry (two concurrent attempts agree on whichever row was written first).
 */
export async function inquiryControlNumber(db: Db, inquiryKey: string): Promise<number> {
  const known = async () => (await db.select().from(inquiryControlNumbers).where(eq(inquiryControlNumbers.inquiryKey, inquiryKey)))[0];
  const existing = await known();
  if (existing) return existing.controlNumber;
  await db
    .insert(inquiryControlNumbers)
    .values({ inquiryKey, controlNumber: await nextControlNumber(db) })
    .onConflictDoNothing();
  const reserved = await known();
  if (!reserved) throw new Error(`no control number could be reserved for inquiry ${inquiryKey}`);
  return reserved.controlNumber;
}

const digestOf = (content: string) => createHash('sha256').update(content).digest('hex');

/** Keeps a file as sent or received; the same text twice is stored once. */
export async function storeEdiFile(db: Db, direction: 'outbound' | 'inbound', transaction: string, content: string): Promise<void> {
  await db
    .insert(ediFiles)
    .values({ direction, transaction, digest: digestOf(content), content })
    .onConflictDoNothing();
}

/**
 * A claim file was sent: asks the mailbox to look, once. True when this call set the
 * request (the caller then signals the mailbox); false when it was set already, by a claim
 * sent since the mailbox last cleared it, which signalled. Call it after the send is
 * committed, on every attempt (a retry after a crash must still wake the mailbox).
 */
export async function requestMailboxLook(db: Db): Promise<boolean> {
  const set = await db
    .insert(mailboxWake)
    .values({ id: 1, requested: true })
    .onConflictDoUpdate({ target: mailboxWake.id, set: { requested: true, updatedAt: new Date() }, setWhere: eq(mailboxWake.requested, false) })
    .returning({ id: mailboxWake.id });
  return set.length > 0;
}

/** The mailbox's round clears the request before it looks: a claim sent after this asks again. */
export async function clearMailboxLook(db: Db): Promise<void> {
  await db
    .insert(mailboxWake)
    .values({ id: 1, requested: false })
    .onConflictDoUpdate({ target: mailboxWake.id, set: { requested: false, updatedAt: new Date() } });
}
