/**
 * Every side effect the workflows need, created by one factory that receives its
 * dependencies, so tests inject real or sandbox parts without module mocking
 * (DESIGN.md "Layout"). Every activity that writes is idempotent.
 */
import type { Db } from '../db/client';
import { recordAudit, type AuditEvent } from '../db/audit';
import type { Logger } from '../logger';

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  /** The business clock; tests may pin it. */
  clock: () => Date;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async recordAuditEvent(event: AuditEvent): Promise<void> {
      await recordAudit(deps.db, event);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
