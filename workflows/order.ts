/**
 * dmeOrderWorkflow — one DME order from documentation to its last claim:
 *
 *   documentation → eligibility → prior-auth → delivery → coding → submission
 *     → (rental | receivables) → closed, or cancelled from any stage.
 *
 * The workflow owns the orchestration (stage, blockers, timers); every business fact
 * is written by an activity. State is plain JSON so `continueAsNew` can carry it.
 * Durations come from the one follow-up policy table in domain/. Each stage is a module
 * of workflows/order/, run over the ports of workflows/order/temporal.ts.
 */
import { allHandlersFinished, condition, upsertSearchAttributes } from '@temporalio/workflow';
import { orderStages, type OrderStage } from './definitions';
import { closeCancelled } from './order/cancellation';
import { handleOrderMessages } from './order/commands';
import { awaitDelivery } from './order/delivery';
import { collectDocuments } from './order/documentation';
import { verifyEligibility } from './order/eligibility';
import { obtainPriorAuth } from './order/prior-auth';
import { awaitReceivables } from './order/receivables';
import { billRentalMonths } from './order/rental';
import { OrderCancelled, OrderRun } from './order/run';
import { initialOrderState, type OrderState } from './order/state';
import { codeAndSubmit } from './order/submission';
import { temporalPorts } from './order/temporal';
import { DmeHcpcs, DmePayer } from './search-attributes';

export interface OrderWorkflowInput {
  orderId: string;
  /** Set by continueAsNew. */
  carried?: OrderState;
  /** Continue as new once history passes this many events (tests force it low). */
  historyLimit?: number;
}

export interface OrderOutcome {
  orderId: string;
  stage: 'closed' | 'cancelled';
  claims: number;
  reason?: string;
}

const defaultHistoryLimit = 8_000;

export async function dmeOrderWorkflow(input: OrderWorkflowInput): Promise<OrderOutcome> {
  const state: OrderState = input.carried ?? initialOrderState(input.orderId);
  const historyLimit = input.historyLimit ?? defaultHistoryLimit;
  const run = new OrderRun(state, temporalPorts(historyLimit), historyLimit);
  const { orderId } = run;
  handleOrderMessages(run);

  // ---- the order, read aloud ----

  try {
    if (!state.context) {
      state.context = await run.activities.loadOrderContext(orderId);
      upsertSearchAttributes([
        { key: DmePayer, value: state.context.payerId },
        { key: DmeHcpcs, value: [...new Set(state.context.items.map((item) => item.hcpcs))] },
      ]);
    }
    const reached = (stage: OrderStage) => orderStages.indexOf(state.stage) > orderStages.indexOf(stage);
    if (!reached('documentation')) await collectDocuments(run);
    if (!reached('eligibility')) await verifyEligibility(run);
    if (!reached('prior-auth')) await obtainPriorAuth(run);
    if (!reached('delivery')) await awaitDelivery(run);
    if (!reached('submission')) await codeAndSubmit(run);
    if (state.rentals.length > 0 && !reached('rental')) await billRentalMonths(run);
    await awaitReceivables(run);
    await run.enterStage('closed');
    await run.settle();
    await condition(allHandlersFinished);
    return { orderId, stage: 'closed', claims: state.claims.length };
  } catch (error) {
    if (!(error instanceof OrderCancelled)) throw error;
    const reason = await closeCancelled(run);
    await condition(allHandlersFinished);
    return { orderId, stage: 'cancelled', claims: state.claims.length, reason };
  }
}
