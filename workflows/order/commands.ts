/**
 * The order's messages: staff commands are Updates whose validator calls the one rule of
 * domain/order-commands.ts and whose handler applies the stage's change; claimSettled is
 * the claims' signal, orderStatus the live view.
 */
import { setHandler, type defineUpdate } from '@temporalio/workflow';
import {
  cancellationRefusal,
  claimCorrectionRefusal,
  coverageUpdateRefusal,
  deliveryRefusal,
  documentReceivedRefusal,
  documentReviewRefusal,
  priorAuthDecisionRefusal,
  rentalChangeRefusal,
  type CommandRefusal,
  type OrderCommandView,
} from '../../domain/order-commands';
import { today } from '../clock';
import {
  cancelOrder,
  claimCorrected,
  claimSettled,
  coverageUpdated,
  deliveryConfirmed,
  documentReceived,
  documentReviewed,
  orderStatus,
  priorAuthDecided,
  refuseIf,
  rentalChanged,
  systemErrorChanged,
  type OrderStatus,
} from '../definitions';
import { requestCancellation } from './cancellation';
import { queueCorrection } from './claims';
import { confirmDelivery } from './delivery';
import { receiveDocument, reviewDocument } from './documentation';
import { updateCoverage } from './eligibility';
import { decidePriorAuth } from './prior-auth';
import { recordClaimOutcome } from './receivables';
import { queueRentalChange } from './rental';
import type { OrderRun } from './run';
import { recordSystemError } from './state';
import { commandView, statusView } from './status';

/** Accepted commands record the order's status: histories from before replay without that activity. */
const statusRecordedPatch = 'command-records-status';

export function handleOrderMessages(run: OrderRun) {
  const { state } = run;
  let commandsAccepted = 0;
  let commandsFinished = 0;
  /**
   * Accepted commands run one at a time, in the order accepted, so two never interleave
   * their activities. A command whose turn is free starts at once: what it claims in state
   * before its first activity is what the next command's validator sees.
   */
  async function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = commandsAccepted++;
    if (turn !== commandsFinished) await run.ports.until(() => turn === commandsFinished);
    try {
      return await work();
    } finally {
      commandsFinished += 1;
    }
  }

  /** One staff command: the same rule validates it and, once its turn comes, checks it again (an earlier command may have changed the order). */
  function command<C>(
    update: ReturnType<typeof defineUpdate<OrderStatus, [C]>>,
    refusal: (view: OrderCommandView, command: NoInfer<C>) => CommandRefusal | undefined,
    apply: (run: OrderRun, command: NoInfer<C>) => Promise<void>,
  ) {
    const check = (received: C) => refuseIf(refusal(commandView(state, today()), received));
    setHandler(
      update,
      (received) =>
        inTurn(async () => {
          check(received);
          await apply(run, received);
          // What the command changed reaches the order's row before the API answers (reads come from there).
          if (run.foldsStatus()) await run.settle();
          else if (run.ports.patched(statusRecordedPatch)) await run.recordStatus();
          return statusView(state);
        }),
      { validator: check },
    );
  }

  command(documentReceived, documentReceivedRefusal, receiveDocument);
  command(documentReviewed, documentReviewRefusal, reviewDocument);
  command(coverageUpdated, coverageUpdateRefusal, updateCoverage);
  command(priorAuthDecided, priorAuthDecisionRefusal, decidePriorAuth);
  command(deliveryConfirmed, deliveryRefusal, confirmDelivery);
  command(rentalChanged, rentalChangeRefusal, queueRentalChange);
  command(claimCorrected, claimCorrectionRefusal, queueCorrection);
  command(cancelOrder, cancellationRefusal, requestCancellation);

  setHandler(claimSettled, (settled) => recordClaimOutcome(state, settled));
  setHandler(systemErrorChanged, (change) => {
    recordSystemError(state, change);
    run.ports.publish(state);
  });
  setHandler(orderStatus, (): OrderStatus => statusView(state));
}
