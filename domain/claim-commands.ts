/**
 * Whether a biller's command to a claim's or a credit balance's workflow applies now:
 * the rules their Update validators call (the same shape as domain/order-commands.ts).
 * What needs the database (the appeal's determination date, whose claim a credit goes
 * to) is checked by the API before the command is sent.
 */
import { nextAppealLevel, type AppealLevel } from './denials';
import type { CommandRefusal } from './order-commands';

/** The reopening or appeal a claim waits on, as its workflow holds it. */
export interface AppealView {
  appealId: string;
  level: AppealLevel;
  status: 'due' | 'filed';
  decided: boolean;
}

export function appealFilingRefusal(appeal: AppealView | null, command: { appealId: string }): CommandRefusal | undefined {
  if (!appeal) return { status: 409, message: 'the claim has no reopening or appeal waiting to be filed' };
  if (appeal.appealId !== command.appealId)
    return { status: 409, field: 'appealId', message: `appeal ${command.appealId} is not the one this claim waits for` };
  if (appeal.status !== 'due') return { status: 409, message: `the ${appeal.level} was already filed` };
  return undefined;
}

export function appealDecisionRefusal(
  appeal: AppealView | null,
  command: { appealId: string; decision: 'won' | 'lost'; next?: 'next-level' | 'write-off' },
): CommandRefusal | undefined {
  if (!appeal) return { status: 409, message: 'the claim has no filed reopening or appeal waiting for a decision' };
  if (appeal.appealId !== command.appealId)
    return { status: 409, field: 'appealId', message: `appeal ${command.appealId} is not the one this claim waits for` };
  if (appeal.status !== 'filed' || appeal.decided) return { status: 409, message: `the ${appeal.level} is not waiting for a decision` };
  if (command.decision === 'won' && command.next) return { status: 422, field: 'next', message: 'applies to a lost appeal only' };
  if (command.decision === 'lost' && !command.next)
    return { status: 422, field: 'next', message: 'a lost appeal needs what happens next: next-level or write-off' };
  if (command.next === 'next-level' && !nextAppealLevel(appeal.level)) {
    return {
      status: 422,
      field: 'next',
      message: `after a ${appeal.level} the later levels (ALJ, Council, court) are a human decision outside this workflow: write off, or pursue it by hand`,
    };
  }
  return undefined;
}

export function creditBalanceResolutionRefusal(view: { open: boolean; resolving: boolean }): CommandRefusal | undefined {
  if (!view.open) return { status: 409, message: 'the credit balance is already resolved' };
  if (view.resolving) return { status: 409, message: 'the credit balance is already being resolved' };
  return undefined;
}
