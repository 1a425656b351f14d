/**
 * Sending a built claim to the clearinghouse, and voiding one rejected at the front end
 * so its service periods are free for the corrected claim.
 */
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, ne } from 'drizzle-orm';
import { recordAudit } from '../../db/audit';
import { storeEdiFile } from '../../db/edi';
import { claimLines, claims } from '../../db/schema';
import type { ClaimActivityDeps } from './index';
import { askMailboxToLook } from './mailbox-wake';

export function createClaimSubmissionActivities({ db, clearinghouse, temporal }: ClaimActivityDeps) {
  return {
    /**
     * Sends a built claim. A claim already sent is not sent again; the clearinghouse
     * also ignores a file whose control number it has seen, which covers a crash
     * between sending and recording it.
     */
    /**
     * Sends the stored 837P once and asks the mailbox to look (mailbox-wake.ts); answers
     * whether it went now, whether the claim corrects another (which the workflow then
     * closes) and whether the workflow must wake the mailbox itself (no client here).
     */
    async submitClaim(input: {
      claimId: string;
      asOf: string;
    }): Promise<{ submitted: boolean; claimNumber: string; correctsClaimId: string | null; wakeMailbox: boolean }> {
      const [claim] = await db.select().from(claims).where(eq(claims.id, input.claimId));
      if (!claim) throw ApplicationFailure.nonRetryable(`claim ${input.claimId} does not exist`, 'ClaimUnknown');
      const correctsClaimId = claim.correctsClaimId ?? null;
      // Sent by an attempt that died before answering: this one still asks the mailbox to look (its signal may be what was lost).
      if (claim.status !== 'built')
        return {
          submitted: false,
          claimNumber: claim.claimNumber,
          correctsClaimId,
          wakeMailbox: await askMailboxToLook({ db, temporal }, input.claimId),
        };
      await clearinghouse.submitClaims({ controlNumber: claim.interchangeControlNumber, x12: claim.x12 }, new Date(input.asOf));
      await storeEdiFile(db, 'outbound', '837', claim.x12);
      await db.transaction(async (tx) => {
        await tx
          .update(claims)
          .set({ status: 'submitted', submittedAt: new Date(input.asOf), updatedAt: new Date() })
          .where(and(eq(claims.id, input.claimId), eq(claims.status, 'built')));
        await recordAudit(tx, {
          actor: 'system',
          action: 'claim.submitted',
          entityType: 'claim',
          entityId: input.claimId,
          detail: { claimNumber: claim.claimNumber, controlNumber: claim.interchangeControlNumber },
        });
      });
      return {
        submitted: true,
        claimNumber: claim.claimNumber,
        correctsClaimId,
        wakeMailbox: await askMailboxToLook({ db, temporal }, input.claimId),
      };
    },

    /** A front-end rejection: the claim was never filed, so its service periods are free for the corrected claim. */
    async voidRejectedClaim(input: { claimId: string; reason: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(claimLines).set({ voided: true }).where(eq(claimLines.claimId, input.claimId));
        await tx
          .update(claims)
          .set({ status: 'rejected', statusReason: input.reason, updatedAt: new Date() })
          .where(and(eq(claims.id, input.claimId), ne(claims.status, 'rejected')));
      });
    },
  };
}
