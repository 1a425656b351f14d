/**
 * The order's ports on Temporal: proxied activities, deadlines whose timers are left to
 * fire (deadlines.ts), the claim children, search attributes and continue-as-new.
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/orders';
import { clearinghouseInquiry, standardActivity } from '../activity-options';
import { claimWorkflow } from '../claim';
import { createDeadlines } from '../deadlines';
import { claimWorkflowId } from '../definitions';
import type { dmeOrderWorkflow } from '../order';
import { DmeBlockedOn, DmeFollowUpAt, DmeRentalMonth, DmeStage } from '../search-attributes';
import type { OrderPorts } from './run';
import { currentRentalMonth, shownBlocker } from './state';
import { detailsMarkdown } from './status';

const activities = proxyActivities<OrderActivities>(standardActivity);
const inquiries = proxyActivities<Pick<OrderActivities, 'checkEligibility'>>(clearinghouseInquiry);

/** One set per run: the deadlines share a timer per instant within the run. */
export function temporalPorts(historyLimit: number): OrderPorts {
  const deadlines = createDeadlines();
  return {
    activities,
    inquiries,
    newId: uuid4,
    waitUntil: (done, timeoutMs) => deadlines.waitUntil(done, timeoutMs),
    until: (done) => condition(done),
    publish(state) {
      upsertSearchAttributes([
        { key: DmeStage, value: state.stage },
        { key: DmeBlockedOn, value: shownBlocker(state) },
        { key: DmeFollowUpAt, value: state.followUpAt ? new Date(state.followUpAt) : null },
        { key: DmeRentalMonth, value: currentRentalMonth(state) },
      ]);
      setCurrentDetails(detailsMarkdown(state));
    },
    showDetails: (state) => setCurrentDetails(detailsMarkdown(state)),
    patched,
    async startClaimWorkflow({ claimId, orderId }) {
      await startChild(claimWorkflow, {
        workflowId: claimWorkflowId(claimId),
        args: [{ claimId, orderId }],
        // Claims outlive a continueAsNew of their order; they report back by signal.
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    },
    historyLength: () => workflowInfo().historyLength,
    async continueAsNew(state) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof dmeOrderWorkflow>({ orderId: state.orderId, carried: state, historyLimit });
    },
    warn: (message, attributes) => log.warn(message, attributes),
  };
}
