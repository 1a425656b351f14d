/**
 * The audit trail: who did what, when. Callers pass ids, codes and stages only —
 * the detail is read by people without PHI access, so no names, birth dates or
 * member ids go in it.
 */
import type { Db } from './client';
import { auditEvents } from './schema';

export interface AuditEvent {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  detail?: Record<string, unknown>;
}

/** Works on the database or inside a transaction (`db.transaction(tx => recordAudit(tx, …))`). */
export async function recordAudit(db: Pick<Db, 'insert'>, event: AuditEvent): Promise<void> {
  await db.insert(auditEvents).values({ ...event, detail: event.detail ?? {} });
}
