/**
 * Stages coding and submission: everything due is coded and billed — purchases once,
 * and every rental month already due, each month its own claim — and months past
 * timely filing are recorded as lost, never billed. The rental loop bills through here
 * each anniversary.
 */
import { lostRentalMonths, lostRentalMonthsTaskTitle, type LostItemMonth } from '../../domain/lost-rental-months';
import { dueMonths, recordMonthBilled } from '../../domain/rental';
import type { ClaimLine } from '../../domain/types';
import { today } from '../clock';
import { fileClaim, linesFor } from './claims';
import type { OrderRun } from './run';

export async function codeAndSubmit(run: OrderRun) {
  await run.enterStage('coding');
  await run.enterStage('submission');
  await billDueMonths(run);
}

/**
 * Bills everything due today: purchases (once), and every rental month already due,
 * each month its own claim with its own span and modifiers (catch-up after a late
 * delivery record). Months past timely filing are recorded as lost, never billed.
 */
export async function billDueMonths(run: OrderRun) {
  const { state } = run;
  const context = state.context!;
  const purchases = state.purchasesBilled ? [] : context.items.filter((item) => item.acquisition === 'purchase');
  const byMonth = new Map<string, { period: number; month: number; lines: ClaimLine[] }>();
  const lostLines: LostItemMonth[] = [];
  for (let index = 0; index < state.rentals.length; index++) {
    const rental = state.rentals[index];
    const item = context.items.find((candidate) => candidate.id === rental.itemId)!;
    for (const due of dueMonths(rental, today(), context.payer)) {
      if (due.status === 'lost') {
        lostLines.push({ hcpcs: item.hcpcs, month: due });
      } else {
        const key = `${due.period}:${due.month}:${due.serviceFrom}`;
        const group = byMonth.get(key) ?? { period: due.period, month: due.month, lines: [] };
        group.lines.push(...linesFor(state, item, due));
        byMonth.set(key, group);
      }
      state.rentals[index] = recordMonthBilled(state.rentals[index], due.month);
    }
  }
  const lost = lostRentalMonths(lostLines);
  if (lost.length > 0) {
    state.lostMonths.push(...lost);
    for (const month of lost) {
      await run.activities.recordAuditEvent({
        actor: 'system',
        action: 'rental.month-lost',
        entityType: 'order',
        entityId: run.orderId,
        detail: { period: month.period, month: month.month, serviceFrom: month.serviceFrom, hcpcs: month.hcpcs, reason: month.reason },
      });
    }
    await run.createTask('biller', 'rental-months-lost', lostRentalMonthsTaskTitle(lost));
  }
  const groups = [...byMonth.values()].sort((a, b) => a.period - b.period || a.month - b.month);
  if (purchases.length > 0) {
    const purchaseLines = purchases.flatMap((item) => linesFor(state, item, { kind: 'purchase', dateOfService: state.delivery!.deliveredOn }));
    // Purchases share the first claim with rental month 1 when both start on the delivery date.
    const first = groups.find((group) => group.month === 1 && group.lines[0]?.serviceFrom === state.delivery!.deliveredOn);
    if (first) first.lines.unshift(...purchaseLines);
    else groups.unshift({ period: 0, month: 0, lines: purchaseLines });
    state.purchasesBilled = true;
  }
  for (const group of groups) {
    if (group.lines.length === 0) continue;
    await fileClaim(run, group.lines, group.month > 0 ? { period: group.period, month: group.month } : undefined);
  }
}
