/**
 * creditBalanceWorkflow — one credit balance (DOMAIN.md §13), id `credit-balance-<id>`,
 * from identification to its resolution: reminders and an escalation before the
 * report-and-return deadline (Medicare: 60 days from identification; the payer's
 * creditBalanceDeadlineDays), each a staff task, and a final task when the deadline
 * passes. Staff resolve it by Update `creditBalanceResolved` (POST /credit-balances/:id/resolve): a refund to
 * the payer or the patient, or the patient's credit applied to another open balance
 * with consent. A later posting that takes the overpayment back (reversal, PLB
 * recovery) closes it too. Every step is audited.
 *
 * Started by whoever posted the remittance that found it: the mailbox workflow as an
 * abandoned child, the API with its client; the id makes a second start a no-op.
 */
import { allHandlersFinished, condition, log, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import { standardActivity } from './activity-options';
import { isoIn, nowIso, untilDate } from './clock';
import { createDeadlines } from './deadlines';
import { creditBalanceTaskKey } from './task-keys';
import type { CreditBalanceActivities } from '../activities/credit-balances';
import type { ClaimActivities } from '../activities/claims';
import { addDays } from '../domain/calendar';
import { creditBalanceResolutionRefusal } from '../domain/claim-commands';
import { deadlineSteps, followUpPolicy } from '../domain/follow-up';
import { creditBalanceResolved, creditBalanceStatus, refuseIf, type CreditBalanceResolved, type CreditBalanceWorkflowStatus } from './definitions';

const activities = proxyActivities<CreditBalanceActivities & Pick<ClaimActivities, 'openClaimTask'>>(standardActivity);

export interface CreditBalanceWorkflowInput {
  creditBalanceId: string;
  orderId?: string;
}

export interface CreditBalanceOutcome {
  creditBalanceId: string;
  resolution: CreditBalanceResolved['resolution'] | 'recouped' | 'already-resolved';
  escalated: boolean;
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

export async function creditBalanceWorkflow({ creditBalanceId }: CreditBalanceWorkflowInput): Promise<CreditBalanceOutcome> {
  let resolved: CreditBalanceResolved | undefined;
  let escalated = false;
  let deadlineOn: string | null = null;
  let nextFollowUpAt: string | null = null;
  let open = true;

  const statusView = (): CreditBalanceWorkflowStatus => ({
    creditBalanceId,
    status: open ? 'open' : 'resolved',
    deadlineOn,
    nextFollowUpAt,
    escalated,
  });
  const refusal = (resolution: CreditBalanceResolved) =>
    resolution.creditBalanceId !== creditBalanceId
      ? { status: 422 as const, field: 'creditBalanceId', message: `this workflow resolves credit balance ${creditBalanceId} only` }
      : creditBalanceResolutionRefusal({ open, resolving: resolved !== undefined });
  // A staff command (Update): accepted once; the resolution is written when the workflow reaches it, and the answer waits for that.
  setHandler(
    creditBalanceResolved,
    async (resolution) => {
      refuseIf(refusal(resolution));
      resolved = resolution;
      await condition(() => !open);
      return statusView();
    },
    { validator: (resolution) => refuseIf(refusal(resolution)) },
  );
  setHandler(creditBalanceStatus, statusView);

  const facts = await activities.loadCreditBalance({ creditBalanceId });
  deadlineOn = facts.deadlineOn;
  const finish = async (resolution: CreditBalanceOutcome['resolution']): Promise<CreditBalanceOutcome> => {
    open = false;
    nextFollowUpAt = null;
    await condition(allHandlersFinished);
    return { creditBalanceId, resolution, escalated };
  };
  if (facts.status !== 'open') return finish('already-resolved');

  const task = (step: string, title: string, role: 'biller' | 'reviewer' = 'biller') =>
    activities.openClaimTask({
      taskKey: creditBalanceTaskKey(creditBalanceId, step),
      taskId: uuid4(),
      claimId: facts.claimId,
      orderId: facts.orderId,
      role,
      kind: `credit-balance-${step.replace(/:\d+$/, '')}`,
      title,
      dueOn: facts.deadlineOn,
      asOf: nowIso(),
    });
  const whose = facts.party === 'payer' ? 'the payer' : 'the patient';
  await task(
    'identified',
    `Credit balance of ${money(facts.amount)} owed back to ${whose} on claim ${facts.claimId}: refund ${facts.party === 'patient' ? 'or apply with consent ' : ''}by ${facts.deadlineOn} (POST /credit-balances/${creditBalanceId}/resolve)`,
  );

  const steps = deadlineSteps(followUpPolicy.creditBalance, facts.deadlineDays);
  let reminders = 0;
  const deadlines = createDeadlines();
  for (const step of steps) {
    const at = addDays(facts.identifiedOn, step.after.days);
    nextFollowUpAt = isoIn(untilDate(at));
    if (await deadlines.waitUntil(() => resolved !== undefined, untilDate(at))) break;
    // A later posting may have taken the overpayment back (recouped): nothing left to return.
    if ((await activities.loadCreditBalance({ creditBalanceId })).status !== 'open') return finish('recouped');
    await activities.recordCreditBalanceStep({ creditBalanceId, step: step.action, asOf: nowIso() });
    if (step.action === 'remind') {
      reminders += 1;
      await task(
        `reminder:${reminders}`,
        `Reminder ${reminders}: credit balance of ${money(facts.amount)} must be returned to ${whose} by ${facts.deadlineOn}`,
      );
    } else if (step.action === 'escalate') {
      escalated = true;
      await task(
        'escalation',
        `Escalation: credit balance of ${money(facts.amount)} on claim ${facts.claimId} is due back to ${whose} by ${facts.deadlineOn} and not resolved`,
        'reviewer',
      );
    } else {
      await task(
        'deadline-passed',
        `Deadline ${facts.deadlineOn} passed: report and return the ${money(facts.amount)} overpayment now (interest may accrue)`,
        'reviewer',
      );
      log.warn('credit balance deadline passed', { creditBalanceId });
    }
  }
  nextFollowUpAt = null;
  await condition(() => resolved !== undefined);
  const resolution = resolved!;
  await activities.resolveCreditBalance({ ...resolution, asOf: nowIso() });
  return finish(resolution.resolution);
}
