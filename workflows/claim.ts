/**
 * claimWorkflow — one claim after it is built: send it, wait for the clearinghouse's
 * acknowledgement (999 + 277CA), then for the remittance, asking the payer for the
 * claim's status (276/277) when it stays silent. Then it works the payer's decision
 * (DOMAIN.md §12) until the claim reaches its final state:
 *
 *   paid (or patient-billed)                     → settled
 *   unprocessable (CO-16 / MA130)                → voided, staff fix it, the order resubmits
 *   denial to appeal or reopen                   → deadline timers with reminders and an
 *                                                  escalation; staff file (appealFiled) and
 *                                                  record the decision (appealDecided): won →
 *                                                  wait for the new remittance; lost → next
 *                                                  level or write-off
 *   denial to write off (timely filing, …)       → written off with the reason
 *
 * It tells its order the outcome once, when the claim is settled.
 */
import { allHandlersFinished, condition, getExternalWorkflowHandle, log, patched, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import { clearinghouseInquiry, standardActivity } from './activity-options';
import { isoIn, nowIso, untilDate } from './clock';
import { createDeadlines } from './deadlines';
import { claimTaskKey } from './task-keys';
import type { ClaimActivities } from '../activities/claims';
import type { NextClaimPayer } from '../activities/claims/next-payer';
import type { PayerLevel } from '../domain/coordination';
import type { OrderActivities } from '../activities/orders';
import { addDays } from '../domain/calendar';
import { appealDecisionRefusal, appealFilingRefusal, type AppealView } from '../domain/claim-commands';
import { nextAppealLevel, type AppealLevel, type DenialDecision } from '../domain/denials';
import { deadlineSteps, followUpPolicy, toMilliseconds } from '../domain/follow-up';
import type { ClaimResolution } from '../domain/posting';
import {
  MAILBOX_WORKFLOW_ID,
  appealDecided,
  appealFiled,
  checkMailbox,
  claimAcknowledged,
  claimSettled,
  claimStatus,
  orderWorkflowId,
  refuseIf,
  remittancePosted,
  type AppealDecided,
  type ClaimAcknowledged,
  type ClaimSettled,
  type ClaimWorkflowStatus,
  type RemittancePosted,
} from './definitions';

const activities = proxyActivities<ClaimActivities & Pick<OrderActivities, 'createTask'>>(standardActivity);
const inquiries = proxyActivities<Pick<ClaimActivities, 'requestClaimStatus'>>(clearinghouseInquiry);

/**
 * Whether this claim wakes the mailbox after sending a file. The send's activity does it
 * (the first send since the mailbox's last look signals it; activities/claims/mailbox-wake.ts),
 * so a burst signals it once a round, not once a claim; the workflow signals only when the
 * activity says it could not. Claims from before signalled every time.
 */
function wakesMailbox(sent: { wakeMailbox?: boolean }): boolean {
  // An answer without the field came from a worker of before (a deploy in progress), whose activity did not signal.
  return !patched('mailbox-woken-once-a-round') || sent.wakeMailbox !== false;
}

async function wakeMailbox(claimId: string): Promise<void> {
  await getExternalWorkflowHandle(MAILBOX_WORKFLOW_ID)
    .signal(checkMailbox)
    .catch(() => log.warn('mailbox workflow not running; the claim relies on status inquiries', { claimId }));
}

export interface ClaimWorkflowInput {
  claimId: string;
  orderId: string;
}

export interface ClaimOutcome {
  claimId: string;
  outcome: ClaimSettled['outcome'];
  paidAmount: number;
  statusInquiries: number;
  resolution?: ClaimResolution;
}

const levelNames: Record<AppealLevel, string> = {
  reopening: 'reopening',
  redetermination: 'redetermination (appeal level 1)',
  reconsideration: 'reconsideration (appeal level 2)',
};

export async function claimWorkflow({ claimId, orderId }: ClaimWorkflowInput): Promise<ClaimOutcome> {
  let acknowledgement: ClaimAcknowledged | undefined;
  let remittance: RemittancePosted | undefined;
  /** Bumped by every remittance not seen before; `reviewed` is the count already worked. */
  let remittances = 0;
  let reviewed = 0;
  const seenRemittances: string[] = [];
  let status = 'built';
  let statusInquiries = 0;
  let nextFollowUpAt: string | null = null;
  let appeal: (NonNullable<ClaimWorkflowStatus['appeal']> & { decided?: AppealDecided }) | null = null;
  let resolution: ClaimResolution | null = null;
  /** The payer the claim is with (primary, then the next ones), and whether it got there by crossover. */
  let payerLevel: PayerLevel = 'primary';
  let crossover = false;
  let crossoverInquiriesFrom = 0;
  let unknownCrossoverHeld = false;

  setHandler(claimAcknowledged, (ack) => {
    // A 999 and a 277CA, or the same file collected twice, may both report: the first answer counts.
    if (ack.claimId !== claimId || acknowledgement) return;
    acknowledgement = ack;
  });
  setHandler(remittancePosted, (posted) => {
    if (posted.claimId !== claimId) return;
    const key = `${posted.remittanceId}:${posted.outcome}:${posted.paidAmount}`;
    if (seenRemittances.includes(key)) return;
    seenRemittances.push(key);
    remittance = posted;
    remittances += 1;
  });
  const statusView = (): ClaimWorkflowStatus => ({
    claimId,
    status,
    statusInquiries,
    nextFollowUpAt,
    appeal: appeal ? { appealId: appeal.appealId, level: appeal.level, status: appeal.status, deadlineOn: appeal.deadlineOn } : null,
    resolution,
    payerLevel,
  });
  const appealView = (): AppealView | null =>
    appeal ? { appealId: appeal.appealId, level: appeal.level, status: appeal.status, decided: appeal.decided !== undefined } : null;
  // Staff commands are Updates: each handler claims the appeal's new state before its activity, so a second command is refused.
  setHandler(
    appealFiled,
    async (filed) => {
      refuseIf(appealFilingRefusal(appealView(), filed));
      appeal!.status = 'filed';
      await activities.recordAppealFiled({
        appealId: filed.appealId,
        claimId,
        filedOn: filed.filedOn,
        ...(filed.reference ? { reference: filed.reference } : {}),
        user: filed.user,
      });
      return statusView();
    },
    { validator: (filed) => refuseIf(appealFilingRefusal(appealView(), filed)) },
  );
  setHandler(
    appealDecided,
    async (decided) => {
      refuseIf(appealDecisionRefusal(appealView(), decided));
      appeal!.decided = decided;
      await activities.recordAppealDecision({
        appealId: decided.appealId,
        claimId,
        decision: decided.decision,
        decidedOn: decided.decidedOn,
        ...(decided.reason ? { reason: decided.reason } : {}),
        user: decided.user,
      });
      return statusView();
    },
    { validator: (decided) => refuseIf(appealDecisionRefusal(appealView(), decided)) },
  );
  setHandler(claimStatus, statusView);

  const deadlines = createDeadlines();
  const waitUntil = async (done: () => boolean, ms: number) => {
    nextFollowUpAt = isoIn(ms);
    const happened = await deadlines.waitUntil(done, ms);
    nextFollowUpAt = null;
    return happened;
  };
  /** The follow-up tasks claims had before outcomes were worked (kept as they were: running claims replay them). */
  const followUpTask = (kind: string, title: string) =>
    activities.createTask({ taskKey: claimTaskKey(claimId, kind, statusInquiries), taskId: uuid4(), orderId, claimId, role: 'biller', kind, title });
  const task = (kind: string, title: string, options: { key?: string; dueOn?: string; role?: 'biller' | 'reviewer' | 'intake' } = {}) =>
    activities.openClaimTask({
      taskKey: claimTaskKey(claimId, kind, options.key ?? statusInquiries),
      taskId: uuid4(),
      orderId,
      claimId,
      role: options.role ?? 'biller',
      kind,
      title,
      ...(options.dueOn ? { dueOn: options.dueOn } : {}),
      asOf: nowIso(),
    });

  const settle = async (outcome: ClaimSettled['outcome'], reason?: string): Promise<ClaimOutcome> => {
    status = outcome;
    await getExternalWorkflowHandle(orderWorkflowId(orderId))
      .signal(claimSettled, { claimId, outcome, ...(reason ? { reason } : {}) })
      .catch((error: unknown) => log.warn('order workflow not reachable', { claimId, error: String(error) }));
    await condition(allHandlersFinished);
    return { claimId, outcome, paidAmount: remittance?.paidAmount ?? 0, statusInquiries, ...(resolution ? { resolution } : {}) };
  };
  const resolve = async (final: ClaimResolution, reason?: string) => {
    resolution = final;
    await activities.resolveClaim({ claimId, resolution: final, ...(reason ? { reason } : {}), asOf: nowIso() });
  };
  const writeOff = async (key: string, reason: string, final: ClaimResolution) => {
    resolution = final;
    status = 'written-off';
    await activities.writeOffClaimBalance({ claimId, key, reason, resolution: final, user: 'system', asOf: nowIso() });
  };

  /**
   * Waits for a remittance newer than the one already worked, asking the payer for the
   * claim's status on the policy cadence while it is silent. 'rejected' when the claim
   * was rejected at the front end instead.
   */
  async function awaitRemittance(): Promise<'remittance' | 'rejected'> {
    const policy = followUpPolicy.claim;
    let wait = toMilliseconds(policy.statusInquiry.firstAfter);
    while (remittances === reviewed) {
      if (acknowledgement && !acknowledgement.accepted) return 'rejected';
      if (acknowledgement?.accepted && status === 'submitted') status = 'accepted';
      const ackBefore = acknowledgement;
      if (await waitUntil(() => remittances !== reviewed || acknowledgement !== ackBefore, wait)) continue;
      // Silence: ask the payer where the claim is (276/277), then keep asking on the cadence.
      statusInquiries += 1;
      const answer = await inquiries.requestClaimStatus({ claimId, asOf: nowIso() });
      if (answer.outcome === 'rejected' && !acknowledgement) {
        acknowledgement = { user: 'payer', claimId, accepted: false, reason: answer.reason ?? 'the payer reports the claim rejected' };
        continue;
      }
      if (answer.outcome === 'not-found') {
        await followUpTask('claim-not-found', 'The payer has no record of this claim: check the acknowledgements and resend if needed');
      }
      if (crossover && statusInquiries === crossoverInquiriesFrom + 1) {
        // Medicare forwarded it; the secondary is silent: the biller calls it (a crossover can be lost, the claim is then billed directly).
        await task(
          'crossover-silent',
          `The prior payer forwarded this claim to the ${payerLevel} payer (crossover), which has sent no 835: call it, and bill it directly if it never received the claim`,
          { key: `${payerLevel}:crossover-silent` },
        );
      }
      wait = toMilliseconds(policy.statusInquiry.thenEvery);
    }
    return 'remittance';
  }

  /**
   * A reopening or appeal, level by level: the filing deadline counts from the
   * determination, with reminders and an escalation before it (the policy table's
   * deadline steps); a deadline passed with nothing filed writes the balance off. A new
   * remittance meanwhile (the payer reprocessed the claim itself) ends it like a win.
   */
  async function pursueAppeal(
    decision: DenialDecision,
    determinationOn: string,
  ): Promise<{ result: 'won' } | { result: 'written-off'; reason: string }> {
    const repaid = () => remittances !== reviewed;
    let level: AppealLevel = decision.action === 'reopening' ? 'reopening' : 'redetermination';
    let clockStart = determinationOn;
    for (let round = 1; ; round++) {
      const rule = followUpPolicy.appeals[level];
      const deadlineOn = addDays(clockStart, rule.deadline.days);
      const appealId = uuid4();
      appeal = { appealId, level, status: 'due', deadlineOn };
      status = 'appealing';
      await activities.openAppeal({
        appealId,
        claimId,
        level,
        codes: decision.codes,
        amount: decision.amount,
        ...(decision.prerequisite ? { prerequisite: decision.prerequisite } : {}),
        determinationOn: clockStart,
        deadlineOn,
        asOf: nowIso(),
      });
      const key = (step: string) => `${level}:${round}:${step}`;
      const first =
        decision.prerequisite === 'obtain-prior-auth'
          ? 'Obtain the prior authorization first. '
          : decision.prerequisite === 'check-same-or-similar'
            ? "Check the patient's same-or-similar history first. "
            : '';
      await task(
        `${level}-due`,
        `${first}File a ${levelNames[level]} by ${deadlineOn} (${decision.codes.join(', ')}): ${decision.explanation}. Record it with POST /claims/${claimId}/appeal`,
        {
          key: key('due'),
          dueOn: deadlineOn,
        },
      );

      let reminders = 0;
      for (const step of deadlineSteps(rule)) {
        const at = addDays(clockStart, step.after.days);
        if (await waitUntil(() => appeal!.status !== 'due' || repaid(), untilDate(at))) break;
        if (step.action === 'remind') {
          reminders += 1;
          await task(`${level}-reminder`, `Reminder ${reminders}: the ${levelNames[level]} is due by ${deadlineOn}, not filed yet`, {
            key: key(`reminder:${reminders}`),
            dueOn: deadlineOn,
          });
        } else if (step.action === 'escalate') {
          await task(
            `${level}-escalation`,
            `The ${levelNames[level]} is due by ${deadlineOn} and still not filed: file it or decide to write the balance off`,
            {
              key: key('escalation'),
              dueOn: deadlineOn,
              role: 'reviewer',
            },
          );
        } else {
          await activities.expireAppeal({ appealId, claimId });
          appeal = null;
          const reason = `${level} deadline ${deadlineOn} passed without a filing (${decision.codes.join(', ')})`;
          await writeOff(key('expired'), reason, 'written-off');
          await task('appeal-deadline-passed', `Written off: ${reason}`, { key: key('expired') });
          return { result: 'written-off', reason };
        }
      }

      // Filed: the contractor decides (redetermination and reconsideration within 60 days); staff record it.
      await condition(() => appeal!.decided !== undefined || repaid());
      const decided = appeal.decided;
      appeal = null;
      if (!decided || decided.decision === 'won') return { result: 'won' };
      const next = nextAppealLevel(level);
      if (decided.next === 'next-level' && next) {
        level = next;
        clockStart = decided.decidedOn;
        continue;
      }
      const reason = `${level} lost on ${decided.decidedOn}${decided.reason ? `: ${decided.reason}` : ''} (${decision.codes.join(', ')})`;
      await writeOff(key('lost'), reason, 'appealed-written-off');
      return { result: 'written-off', reason };
    }
  }

  // ---- the claim, read aloud ----

  const submission = await activities.submitClaim({ claimId, asOf: nowIso() });
  status = 'submitted';
  // A corrected claim replaces the one it corrects: that one is closed as corrected and resubmitted.
  // Only a correction asks (issue 11.4: one activity less per claim); claims from before replay as they ran.
  if (patched('corrected-claim-closes-original') && (!patched('only-corrections-close-original') || submission.correctsClaimId)) {
    await activities.closeCorrectedOriginal({ claimId, asOf: nowIso() });
  }
  // Answers to this file will come: have the mailbox look when they fall due (the first claim since its last look wakes it).
  if (wakesMailbox(submission)) await wakeMailbox(claimId);

  const policy = followUpPolicy.claim;
  // Acknowledgements normally come within a day; silence past the wait means the file went astray.
  if (!(await waitUntil(() => acknowledgement !== undefined || remittance !== undefined, toMilliseconds(policy.acknowledgementWait)))) {
    await followUpTask('acknowledgement-missing', `No 999/277CA ${policy.acknowledgementWait.days} days after sending: check the clearinghouse`);
  }

  /** Claims started before coordination of benefits settle after their one payer, as they did. */
  const coordinated = patched('coordination-of-benefits');
  /**
   * The claim goes on to the next payer: a crossover needs nothing from us (the prior
   * payer forwarded it) but its 835; otherwise we build and send that payer's 837P with
   * the prior adjudication, and wait for its acknowledgement like the first one's.
   */
  async function billNextPayer(next: NonNullable<NextClaimPayer>): Promise<void> {
    payerLevel = next.level;
    crossover = next.crossover;
    crossoverInquiriesFrom = statusInquiries;
    if (next.crossover) {
      status = 'crossed-over';
      return;
    }
    await activities.prepareNextPayerClaim({ claimId, level: next.level, asOf: nowIso() });
    acknowledgement = undefined;
    const sent = await activities.submitNextPayerClaim({ claimId, level: next.level, asOf: nowIso() });
    status = 'submitted';
    if (wakesMailbox(sent)) await wakeMailbox(claimId);
    if (!(await waitUntil(() => acknowledgement !== undefined || remittances !== reviewed, toMilliseconds(policy.acknowledgementWait)))) {
      await task(
        'acknowledgement-missing',
        `No 999/277CA from the ${next.level} payer ${policy.acknowledgementWait.days} days after sending: check the clearinghouse`,
        {
          key: `${next.level}:acknowledgement-missing`,
        },
      );
    }
  }

  let appealWon = false;
  for (;;) {
    if ((await awaitRemittance()) === 'rejected') {
      const reason = acknowledgement?.reason ?? 'rejected at the front end';
      await activities.voidRejectedClaim({ claimId, reason });
      await followUpTask(
        'claim-rejected',
        `Claim rejected at the front end: ${acknowledgement?.reason ?? 'see the 277CA'}. Fix the order data and send claimCorrected`,
      );
      return settle('rejected', acknowledgement?.reason);
    }
    // Claims started before outcomes were worked settle on the remittance's outcome, as they did.
    if (!patched('claim-outcomes-worked')) {
      status = remittance!.outcome;
      return settle(remittance!.outcome);
    }
    reviewed = remittances;
    const review = await activities.reviewClaimRemittance({ claimId, asOf: nowIso() });
    status = review.outcome;
    if (review.outcome === 'reversed') {
      await task(
        'payment-reversed',
        `The payer reversed its payment (balance ${review.payerBalance} cents open again): watch for the corrected remittance`,
        { key: `reversed:${remittances}` },
      );
      continue;
    }
    const lead = review.decisions.find((decision) => decision.action !== 'patient-billing');
    // Paid (or left to the patient): the next payer, if the claim has one, before the patient (DOMAIN.md §15).
    if (!lead && coordinated) {
      const next = await activities.nextClaimPayer({ claimId, asOf: nowIso() });
      if (next) {
        await billNextPayer(next);
        continue;
      }
      if (remittance?.crossover && !remittance.nextLevel && !unknownCrossoverHeld) {
        // The payer forwarded the claim to one we do not hold: its 835 cannot post here, and the patient may owe nothing.
        unknownCrossoverHeld = true;
        await task(
          'crossover-payer-unknown',
          `The payer forwarded this claim to a supplemental payer the patient has no coverage with here: add that coverage (and correct this claim's payers), or confirm there is none; the patient is billed in ${policy.statusInquiry.firstAfter.days} days otherwise`,
          { key: 'crossover-payer-unknown', role: 'intake' },
        );
        if (await waitUntil(() => remittances !== reviewed, toMilliseconds(policy.statusInquiry.firstAfter))) continue;
      }
      // After the last payer: the patient's share is written off where it may not be billed, or goes on their statements.
      const share = await activities.billPatientShare({ claimId, asOf: nowIso() });
      await resolve(appealWon ? 'appealed-paid' : share.outcome === 'statements' ? 'patient-billed' : 'paid');
      return settle(review.outcome);
    }
    for (const billing of review.decisions.filter((decision) => decision.action === 'patient-billing')) {
      await task('bill-patient', `Bill the patient ${billing.amount} cents (${billing.codes.join(', ')}): ${billing.explanation}`, {
        key: `bill-patient:${remittances}`,
      });
    }
    if (!lead) {
      await resolve(appealWon ? 'appealed-paid' : review.patientBalance > 0 ? 'patient-billed' : 'paid');
      return settle(review.outcome);
    }
    switch (lead.action) {
      case 'fix-and-resubmit': {
        // Unprocessable claims were never filed (no appeal rights): the order sends a corrected one.
        const reason = `unprocessable (${lead.codes.join(', ')}): ${lead.explanation}`;
        await activities.voidRejectedClaim({ claimId, reason });
        await task('claim-unprocessable', `Claim returned unprocessable (${lead.codes.join(', ')}): fix the order data and send claimCorrected`, {
          key: `unprocessable:${remittances}`,
        });
        return settle('rejected', reason);
      }
      case 'write-off': {
        const reason = `${lead.codes.join(', ')}: ${lead.explanation}`;
        await writeOff(`denial:${remittances}`, reason, 'written-off');
        await task('denial-written-off', `Written off ${lead.amount} cents: ${reason}`, { key: `written-off:${remittances}` });
        return settle('closed', reason);
      }
      default: {
        const appealed = await pursueAppeal(lead, review.determinationOn);
        if (appealed.result === 'written-off') return settle('closed', appealed.reason);
        // Won: the payer pays through a new remittance, which posts the new payment.
        appealWon = true;
        status = 'appeal-won';
      }
    }
  }
}
