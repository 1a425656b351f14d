/**
 * The clearinghouse mailbox: every inbound file (999, 277CA, 835) is stored as
 * received, applied to our claims, and only then confirmed to the clearinghouse, so
 * a crash in between means the file is collected again — never lost. Applying a file
 * twice changes nothing (claim events are keyed by the file's control numbers), and
 * the signals it yields are safe to repeat (claim workflows keep the first answer).
 * An 835 is stored and handed to its remittanceWorkflow, which posts it and tells the
 * claims — the same workflow an upload starts, so a remittance that also came through
 * the API posts once. What a 999 or 277CA says is told to each claim's workflow from
 * here, in batches, before the file is confirmed: the round's result is counts, so the
 * mailbox's history grows by one activity per round however many claims a file answers
 * (issue 11: a 277CA of 10,000 claims was 10,000 signal events in the mailbox's run).
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/client';
import { clearMailboxLook, storeEdiFile } from '../db/edi';
import { claimEvents, claims } from '../db/schema';
import { parse277, parse999, parseX12, X12Error } from '../domain/x12';
import type { Logger } from '../logger';
import { claimAcknowledged, claimWorkflowId, type ClaimAcknowledged } from '../workflows/definitions';
import type { Clearinghouse, InboundFile } from './clearinghouse/types';
import { startRemittanceWorkflow } from './workflow-starts';
import type { RemittanceActivities } from './remittances';

export interface MailboxActivityDeps {
  db: Db;
  clearinghouse: Clearinghouse;
  remittances: RemittanceActivities;
  logger: Logger;
  /** Starts each collected remittance's workflow. */
  temporal?: Client;
}

export interface MailboxRound {
  /**
   * Rounds recorded before the activity told the claims itself listed the answers for the
   * workflow to signal; a round now leaves it empty and counts what it told in `told`.
   */
  acknowledgements: ClaimAcknowledged[];
  /** Claim workflows told what a 999 or 277CA said: sent, or closed already (not running). */
  told: { sent: number; notRunning: number };
  /** Remittances handed to their remittanceWorkflow (which tells the claims). */
  remittances: number;
  /** When to look again (ISO), or null when nothing is pending. */
  nextCheckAt: string | null;
  files: number;
}

const system = 'clearinghouse';

/** Signals in flight at once: enough to keep the server busy, few enough not to swamp it. */
const TELL_BATCH = 100;

export function createMailboxActivities({ db, clearinghouse, remittances, logger, temporal }: MailboxActivityDeps) {
  function client(): Client {
    // A worker built without a client cannot run these: say so once instead of retrying forever.
    if (!temporal) throw ApplicationFailure.nonRetryable('The worker has no Temporal client for the mailbox', 'WorkerMisconfigured');
    return temporal;
  }

  /**
   * claimAcknowledged to each claim a file answered, a batch at a time. Safe to repeat
   * (a crash before the file is confirmed collects it again): a claim keeps the first answer.
   */
  async function tell(answers: readonly ClaimAcknowledged[], told: MailboxRound['told']): Promise<void> {
    for (let from = 0; from < answers.length; from += TELL_BATCH) {
      const deliveries = await Promise.all(
        answers.slice(from, from + TELL_BATCH).map(async (answer) => {
          try {
            await client().workflow.getHandle(claimWorkflowId(answer.claimId)).signal(claimAcknowledged, answer);
            return 'sent' as const;
          } catch (error) {
            if (error instanceof WorkflowNotFoundError) return 'not-running' as const;
            throw error;
          }
        }),
      );
      for (const delivery of deliveries) {
        if (delivery === 'sent') told.sent += 1;
        else told.notRunning += 1;
      }
      Context.current().heartbeat({ told: told.sent + told.notRunning });
    }
  }

  /** Stores an 835 and starts its remittances' workflows; a file with problems is set aside with an audit row. */
  async function receive835(file: InboundFile): Promise<number> {
    const stored = await remittances.storeRemittances({ content: file.x12, source: 'mailbox', user: system });
    if (!stored.ok) {
      logger.warn('remittance rejected', { file: file.name, problems: stored.problems.length });
      await recordAudit(db, {
        actor: system,
        action: 'remittance.rejected',
        entityType: 'edi-file',
        entityId: file.name,
        detail: { problems: stored.problems },
      });
      return 0;
    }
    if (!temporal) throw ApplicationFailure.nonRetryable('The worker has no Temporal client to start remittance workflows', 'WorkerMisconfigured');
    const { taskQueue } = Context.current().info;
    // Stored first, then started: a crash between the two collects the file again, finds the rows and starts them.
    for (const remittance of stored.remittances) if (remittance.status !== 'posted') await startRemittanceWorkflow(temporal, taskQueue, remittance);
    return stored.remittances.length;
  }

  async function recordClaimEvent(claimId: string, eventKey: string, kind: string, detail: Record<string, unknown>, at: Date) {
    await db.insert(claimEvents).values({ claimId, eventKey, kind, detail, at }).onConflictDoNothing();
  }

  /** 999: a rejected transaction set rejects every claim of the file we sent under that control number. */
  async function apply999(file: InboundFile, at: Date): Promise<ClaimAcknowledged[]> {
    const answers: ClaimAcknowledged[] = [];
    for (const acknowledgment of parse999(file.x12)) {
      for (const set of acknowledgment.transactionSets) {
        const controlNumber = String(Number(set.controlNumber));
        const sent = await db.select({ id: claims.id }).from(claims).where(eq(claims.interchangeControlNumber, controlNumber));
        for (const claim of sent) {
          await recordClaimEvent(
            claim.id,
            `999:${acknowledgment.controlNumber}:${set.controlNumber}`,
            '999',
            { code: set.code, errors: set.errorCodes },
            at,
          );
          if (!set.accepted) {
            answers.push({
              user: system,
              claimId: claim.id,
              accepted: false,
              reason: `999 ${set.code}: the file was rejected (${[...set.errorCodes, ...set.segmentErrors.map((error) => `segment ${error.position} ${error.segmentId}${error.errorCode ? ` error ${error.errorCode}` : ''}`)].join(', ') || 'no reason given'})`,
            });
          }
        }
      }
    }
    return answers;
  }

  /** 277CA: each claim accepted into adjudication (A1/A2) or rejected (A3, A6–A8). */
  async function apply277(file: InboundFile, at: Date): Promise<ClaimAcknowledged[]> {
    const answers: ClaimAcknowledged[] = [];
    for (const response of parse277(file.x12)) {
      const numbers = response.claims.flatMap((claim) => (claim.patientControlNumber ? [claim.patientControlNumber] : []));
      const ours = numbers.length ? await db.select().from(claims).where(inArray(claims.claimNumber, numbers)) : [];
      for (const answer of response.claims) {
        const claim = ours.find((candidate) => candidate.claimNumber === answer.patientControlNumber);
        if (!claim) {
          logger.warn('277 for an unknown claim', { controlNumber: response.controlNumber });
          continue;
        }
        const codes = answer.statuses.flatMap((status) =>
          status.codes.map((code) => `${code.category}:${code.code}${code.entity ? `:${code.entity}` : ''}`),
        );
        await recordClaimEvent(
          claim.id,
          `277:${response.controlNumber}:${answer.traceNumber}`,
          response.kind === 'acknowledgment' ? '277CA' : '277',
          { outcome: answer.outcome, codes },
          at,
        );
        if (answer.outcome === 'accepted' || answer.outcome === 'received') {
          if (answer.payerClaimNumber) await db.update(claims).set({ payerClaimNumber: answer.payerClaimNumber }).where(eq(claims.id, claim.id));
          if (answer.outcome === 'accepted') {
            await db
              .update(claims)
              .set({ status: 'accepted', updatedAt: new Date() })
              .where(and(eq(claims.id, claim.id), eq(claims.status, 'submitted')));
            answers.push({ user: system, claimId: claim.id, accepted: true });
          }
        } else if (answer.outcome === 'rejected') {
          const message = answer.statuses.find((status) => status.message)?.message;
          answers.push({ user: system, claimId: claim.id, accepted: false, reason: `277CA ${codes.join(', ')}${message ? `: ${message}` : ''}` });
        }
      }
    }
    return answers;
  }

  return {
    async collectMailbox(input: { asOf: string }): Promise<MailboxRound> {
      const at = new Date(input.asOf);
      // Before looking: a claim sent from now on finds the request clear and wakes the mailbox again.
      await clearMailboxLook(db);
      const collected = await clearinghouse.collect(at);
      const round: MailboxRound = {
        acknowledgements: [],
        told: { sent: 0, notRunning: 0 },
        remittances: 0,
        nextCheckAt: collected.nextCheckAt?.toISOString() ?? null,
        files: 0,
      };
      const done: string[] = [];
      for (const file of collected.files) {
        let transaction: string;
        try {
          transaction = parseX12(file.x12).groups[0]?.transactionSets[0]?.id ?? 'unknown';
        } catch (error) {
          await storeEdiFile(db, 'inbound', 'unreadable', file.x12);
          logger.warn('unreadable inbound file set aside', { file: file.name, error: error instanceof X12Error ? error.code : 'error' });
          done.push(file.name);
          continue;
        }
        // Eligibility and claim-status answers belong to the request waiting for them.
        if (transaction === '271' || (transaction === '277' && /BHT\*0010\*08/.test(file.x12))) continue;
        await storeEdiFile(db, 'inbound', transaction, file.x12);
        if (transaction === '999') await tell(await apply999(file, at), round.told);
        else if (transaction === '277') await tell(await apply277(file, at), round.told);
        else if (transaction === '835') round.remittances += await receive835(file);
        else {
          logger.warn('inbound file of an unexpected transaction', { file: file.name, transaction });
        }
        done.push(file.name);
        round.files += 1;
      }
      if (done.length) {
        const confirmed = await clearinghouse.confirm(done);
        const later = confirmed ? confirmed.nextCheckAt : null;
        if (later && (round.nextCheckAt === null || later.getTime() < Date.parse(round.nextCheckAt))) round.nextCheckAt = later.toISOString();
      }
      if (round.told.notRunning > 0) logger.info('acknowledgements found closed claim workflows', { notRunning: round.told.notRunning });
      return round;
    },
  };
}

export type MailboxActivities = ReturnType<typeof createMailboxActivities>;
