/**
 * Stage documentation: the documents domain/ policy requires for the items and payer,
 * registered and reviewed by staff (Updates), chased on the policy's cadence until every
 * one is approved; the order is cancelled when the window closes without them.
 */
import { requiredDocuments } from '../../domain/documentation';
import { followUpPolicy, staleTasks, toMilliseconds } from '../../domain/follow-up';
import { nowIso, today } from '../clock';
import type { DocumentReceived, DocumentReviewed } from '../definitions';
import type { OrderRun } from './run';
import { documentationComplete, orderCatalog, outstandingDocuments } from './state';

export async function collectDocuments(run: OrderRun) {
  const { state } = run;
  await run.enterStage('documentation');
  const context = state.context!;
  if (state.documents.length === 0) {
    state.documents = requiredDocuments(context.items, context.payer, orderCatalog(state))
      // Proof of delivery is captured at delivery, not chased before it.
      .filter((document) => document.kind !== 'proof-of-delivery')
      .map((document) => ({ kind: document.kind, reason: document.reasons.join('; '), status: 'missing' as const }));
    const onFile = context.resupply?.writtenOrderOnFile;
    const writtenOrder = state.documents.find((document) => document.kind === 'standard-written-order');
    if (onFile && writtenOrder) {
      // A routine refill is filled against the order on file (PIM ch. 5 §5.2.6): no new written order is chased.
      Object.assign(writtenOrder, {
        status: 'approved' as const,
        documentId: onFile.documentId,
        reason: `On file with order ${onFile.orderId}: a refill of resupply plan ${context.resupply!.planId} needs no new order`,
      });
    }
  }
  const policy = followUpPolicy.documents;
  await run.waitWithFollowUps({
    done: () => documentationComplete(state),
    blockedOn: 'documents',
    every: toMilliseconds(policy.reminderEvery),
    escalateAfter: toMilliseconds(policy.escalateAfter),
    cancelAfter: toMilliseconds(policy.cancelAfter),
    onWindowClosed: `documentation window of ${policy.cancelAfter.days} days closed without the required documents`,
    remind: (count) => run.createTask('intake', 'document-reminder', `Reminder ${count}: ${outstandingDocuments(state)} still needed`),
    escalate: () =>
      run.createTask(
        'reviewer',
        'document-escalation',
        `Documents outstanding for ${policy.escalateAfter.days} days: ${outstandingDocuments(state)}`,
      ),
  });
  await run.closeStaleTasks(staleTasks.documentsApproved, `every required document was approved by ${today()}`);
}

/** documentReceived, once accepted: the document of that kind is received (a rejected one is replaced). */
export async function receiveDocument(run: OrderRun, { user, documentId, kind, reference }: DocumentReceived) {
  const document = run.state.documents.find((candidate) => candidate.kind === kind)!;
  Object.assign(document, { status: 'received', documentId });
  delete document.rejectReason;
  await run.activities.recordDocumentReceived(run.withStatus({ orderId: run.orderId, documentId, kind, reference, user, at: nowIso() }));
}

/** documentReviewed, once accepted: approved, or rejected with a task to ask for it again. */
export async function reviewDocument(run: OrderRun, { user, documentId, decision, reason }: DocumentReviewed) {
  const document = run.state.documents.find((candidate) => candidate.documentId === documentId)!;
  document.status = decision;
  if (decision === 'rejected') document.rejectReason = reason;
  await run.activities.recordDocumentReview(
    run.withStatus({ orderId: run.orderId, documentId, decision, ...(reason ? { reason } : {}), user, at: nowIso() }),
  );
  if (decision === 'rejected') {
    await run.createTask('intake', 'document-rejected', `Request the ${document.kind} again: ${reason}`);
  }
}
