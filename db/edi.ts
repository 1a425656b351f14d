/** X12 bookkeeping shared by every activity that sends or receives a file. */
import { createHash } from 'node:crypto';
import { eq, or, sql } from 'drizzle-orm';
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
 * A claim file was sent: asks the mailbox to look, once. True when this send set the
 * request (the caller then signals the mailbox), or set it before and is asking again (its
 * attempt died before the signal); false when another send set it since the mailbox last
 * cleared it, and signalled. Call it after the send is committed, on every attempt.
 * `by` names the send: a claim id, and its payer level for a later payer's file.
 */
export async function requestMailboxLook(db: Db, by: string): Promise<boolean> {
  const set = await db
    .insert(mailboxWake)
    .values({ id: 1, requested: true, requestedBy: by })
    .onConflictDoUpdate({
      target: mailboxWake.id,
      set: { requested: true, requestedBy: by, updatedAt: new Date() },
      setWhere: or(eq(mailboxWake.requested, false), eq(mailboxWake.requestedBy, by)),
    })
    .returning({ id: mailboxWake.id });
  return set.length > 0;
}

/** The mailbox's round clears the request before it looks: a claim sent after this asks again. */
export async function clearMailboxLook(db: Db): Promise<void> {
  await db
    .insert(mailboxWake)
    .values({ id: 1, requested: false })
    .onConflictDoUpdate({ target: mailboxWake.id, set: { requested: false, requestedBy: null, updatedAt: new Date() } });
}
