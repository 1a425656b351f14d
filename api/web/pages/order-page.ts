/**
 * The order page's body: the stage timeline, the facts, documents, prior authorization,
 * delivery, rental and claims, each command's form shown to the role that may send it.
 */
import { html } from 'hono/html';
import { documentLabels } from '../../../domain/documentation';
import { orderStages } from '../../../domain/order-stages';
import type { DocumentKind } from '../../../domain/types';
import { orderWorkflowId } from '../../../workflows/definitions';
import { badge, day, dollars, errorSummary, field, form, may, moment, notice, workflowLink, type Html, type PageContext, noRows } from '../html';
import { failedErrors, failedValues, type Failed, type WebContext } from '../respond';

const documentKinds = Object.keys(documentLabels) as DocumentKind[];
const seesClaims = (ctx: PageContext) => may(ctx, 'biller');

export interface OrderView {
  id: string;
  patientId: string;
  payerId: string;
  prescriberNpi: string;
  orderDate: string;
  diagnoses: string[];
  workflowId: string;
  stage: string;
  blockedOn: string | null;
  rentalMonth: number | null;
  cancelReason: string | null;
  createdBy: string;
  createdAt: string;
  nextFollowUpAt: string | null;
  items: { id: string; lineNumber: number; hcpcs: string; quantity: number; acquisition: string; side: string | null; unitCharge: number }[];
  documents: {
    id: string;
    kind: string;
    status: string;
    reference: string;
    receivedBy: string;
    receivedAt: string;
    reviewedBy: string | null;
    rejectReason: string | null;
  }[];
  delivery: { deliveredOn: string; serialNumbers: Record<string, string[]>; reportedBy: string } | null;
  claims: {
    id: string;
    claimNumber: string;
    status: string;
    statusReason: string | null;
    serviceFrom: string;
    serviceTo: string;
    rentalMonth: number | null;
    totalCharge?: number;
    paidAmount?: number;
  }[];
  status: {
    documents: { kind: string; reason: string; status: string; documentId?: string; rejectReason?: string }[];
    priorAuth: { required: boolean; status: string; trackingNumber?: string; expiresOn?: string };
    rental: { month: number | null; period: number; status: string; nextBillingDate: string | null; lostMonths: number } | null;
    eligibility: { active: boolean; coversDme: boolean; checkedAt: string } | null;
    systemError?: { code: string; activityType: string } | null;
  } | null;
  statusRecordedAt: string | null;
  /** With ?live=true: the workflow's own answer, the page's status when it gave one. */
  workflow?: { answered: boolean; status: OrderView['status'] };
}

export interface Patient {
  firstName?: string;
  lastName?: string;
  birthDate?: string;
  /** Shown to intake, billers and reviewers: the coverages a corrected one is chosen from. */
  coverages?: { id: string; payerId: string; priority: string }[];
}

/**
 * Whether the document waits for its review: as the status says (the workflow's own view,
 * live right after a command), else as its row says.
 */
function awaitingReview(order: OrderView, doc: OrderView['documents'][number]): boolean {
  const known = order.status?.documents.find((entry) => entry.documentId === doc.id);
  return (known?.status ?? doc.status) === 'received';
}

function timeline(order: OrderView): Html {
  const current = orderStages.indexOf(order.stage as (typeof orderStages)[number]);
  const stages = order.stage === 'cancelled' ? orderStages : orderStages.filter((stage) => stage !== 'cancelled');
  return html`<ol class="timeline" aria-label="Stages">
    ${stages.map((stage, index) => {
      const state = stage === order.stage ? 'current' : order.stage !== 'cancelled' && index < current ? 'passed' : '';
      return html`<li class="${state}" ${state === 'current' ? html`aria-current="step"` : ''}>${stage}</li>`;
    })}
  </ol>`;
}

/** The form's values: what was posted when it is shown again after a refusal. */
const valuesFor = failedValues;
const errorsFor = failedErrors;

export function orderBody(c: WebContext, ctx: PageContext, order: OrderView, patient: Patient, failed?: Failed): Html {
  const status = order.status;
  const open = order.stage !== 'closed' && order.stage !== 'cancelled';
  const name = [patient.firstName, patient.lastName].filter(Boolean).join(' ');
  const base = `/app/orders/${order.id}`;

  const documentsNeeded = (status?.documents ?? []).filter((doc) => doc.status === 'missing' || doc.status === 'rejected');
  const registerValues = valuesFor(failed, 'documents');
  const register =
    open && may(ctx, 'intake')
      ? html`<h3>Register a received document</h3>
          ${errorSummary(errorsFor(failed, 'documents'), ['kind', 'reference'])}
          ${form(
            ctx,
            `${base}/documents`,
            html`${field(
              {
                form: 'doc',
                name: 'kind',
                label: 'Kind',
                type: 'select',
                required: true,
                value: registerValues.kind ?? documentsNeeded[0]?.kind,
                options: documentKinds.map((kind) => ({ value: kind, label: documentLabels[kind] })),
              },
              errorsFor(failed, 'documents'),
            )}
            ${field({ form: 'doc', name: 'reference', label: 'Where it is kept', value: registerValues.reference, required: true, hint: 'Document-management reference or file name, never its content' }, errorsFor(failed, 'documents'))}`,
            'Register document',
          )}`
      : '';

  const reviewForms = (doc: OrderView['documents'][number]) => {
    if (!awaitingReview(order, doc) || !may(ctx, 'reviewer')) return '';
    const formName = `review-${doc.id}`;
    const errors = errorsFor(failed, formName);
    return html`${errorSummary(errors, ['reason'])}
      ${form(ctx, `${base}/documents/${doc.id}/review`, html`<input type="hidden" name="decision" value="approved" />`, `Approve ${documentLabels[doc.kind as DocumentKind] ?? doc.kind}`, { className: 'inline' })}
      <details ${errors ? html`open` : ''}>
        <summary>Reject…</summary>
        ${form(
          ctx,
          `${base}/documents/${doc.id}/review`,
          html`<input type="hidden" name="decision" value="rejected" />
            ${field({ form: `reject-${doc.id}`, name: 'reason', label: 'Why it is rejected', required: true, value: valuesFor(failed, formName).reason }, errors)}`,
          'Reject document',
        )}
      </details>`;
  };

  const documents = html`<h2>Documents</h2>
    <table>
      <thead>
        <tr>
          <th>Needed</th>
          <th>Why</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        ${(status?.documents ?? []).map(
          (doc) =>
            html`<tr>
              <td>${documentLabels[doc.kind as DocumentKind] ?? doc.kind}</td>
              <td>${doc.reason}</td>
              <td>${badge(doc.status)}${doc.rejectReason ? html` <span class="muted">${doc.rejectReason}</span>` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h3>Received</h3>
    <table>
      <thead>
        <tr>
          <th>Document</th>
          <th>Reference</th>
          <th>Received</th>
          <th>Status</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${noRows(order.documents, 5, 'None yet.')}
        ${order.documents.map(
          (doc) =>
            html`<tr>
              <td>${documentLabels[doc.kind as DocumentKind] ?? doc.kind}</td>
              <td>${doc.reference}</td>
              <td>${moment(doc.receivedAt, ctx.locale)} by ${doc.receivedBy}</td>
              <td>
                ${badge(doc.status)}${doc.rejectReason ? html` <span class="muted">${doc.rejectReason}</span>` : ''}${doc.reviewedBy ? html` <span class="muted">by ${doc.reviewedBy}</span>` : ''}
              </td>
              <td>${reviewForms(doc)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${register}`;

  const priorAuth = status?.priorAuth;
  const paValues = valuesFor(failed, 'prior-auth');
  const paErrors = errorsFor(failed, 'prior-auth');
  const priorAuthSection = html`<h2>Prior authorization</h2>
    <p>
      ${priorAuth ? html`${badge(priorAuth.status)}${priorAuth.trackingNumber ? html` tracking number <code>${priorAuth.trackingNumber}</code>` : ''}${priorAuth.expiresOn ? html`, valid to ${day(priorAuth.expiresOn, ctx.locale)}` : ''}` : '—'}
    </p>
    ${
      priorAuth?.status === 'requested' && may(ctx, 'reviewer')
        ? html`${errorSummary(paErrors, ['decision', 'trackingNumber', 'expiresOn', 'reason', 'next'])}
          ${form(
            ctx,
            `${base}/prior-auth`,
            html`${field({ form: 'pa', name: 'decision', label: 'Decision', type: 'select', required: true, value: paValues.decision, options: ['affirmed', 'non-affirmed'] }, paErrors)}
            ${field({ form: 'pa', name: 'trackingNumber', label: 'Unique tracking number (affirmed)', value: paValues.trackingNumber, hint: '14 characters' }, paErrors)}
            ${field({ form: 'pa', name: 'expiresOn', label: 'Valid to (affirmed)', type: 'date', value: paValues.expiresOn }, paErrors)}
            ${field({ form: 'pa', name: 'reason', label: 'Reason (non-affirmed)', value: paValues.reason }, paErrors)}
            ${field({ form: 'pa', name: 'next', label: 'Then (non-affirmed)', type: 'select', value: paValues.next, options: ['resubmit', 'cancel'] }, paErrors)}`,
            'Record decision',
          )}`
        : ''
    }`;

  const dValues = valuesFor(failed, 'delivery');
  const dErrors = errorsFor(failed, 'delivery');
  const deliverySection = html`<h2>Delivery</h2>
    ${
      order.delivery
        ? html`<p>Delivered ${day(order.delivery.deliveredOn, ctx.locale)} (reported by ${order.delivery.reportedBy})</p>`
        : order.stage === 'delivery' && may(ctx, 'delivery')
          ? html`${errorSummary(dErrors, ['deliveredOn', 'signedBy', 'relationship', ...order.items.map((item) => `serialNumbers.${item.id}`)])}
            ${form(
              ctx,
              `${base}/delivery`,
              html`${field({ form: 'pod', name: 'deliveredOn', label: 'Delivered on', type: 'date', required: true, value: dValues.deliveredOn }, dErrors)}
              ${field({ form: 'pod', name: 'signedBy', label: 'Signed by', required: true, value: dValues.signedBy }, dErrors)}
              ${field({ form: 'pod', name: 'relationship', label: 'Relationship to the patient', required: true, value: dValues.relationship, hint: 'self, daughter, caregiver…' }, dErrors)}
              ${order.items.map((item) =>
                field(
                  {
                    form: 'pod',
                    name: `serialNumbers.${item.id}`,
                    label: `Serial numbers of ${item.hcpcs} (line ${item.lineNumber})`,
                    value: dValues[`serialNumbers.${item.id}`],
                    hint: 'Separated by commas; leave empty for items without one',
                  },
                  dErrors,
                ),
              )}`,
              'Confirm delivery',
            )}`
          : html`<p class="muted">Not delivered yet.</p>`
    }`;

  const rental = status?.rental;
  const rValues = valuesFor(failed, 'rental');
  const rErrors = errorsFor(failed, 'rental');
  const rentalSection = rental
    ? html`<h2>Rental</h2>
        <dl class="facts">
          <dt>Month</dt>
          <dd>${rental.month ?? '—'} (period ${rental.period})</dd>
          <dt>Status</dt>
          <dd>${badge(rental.status)}</dd>
          <dt>Next billing</dt>
          <dd>${day(rental.nextBillingDate, ctx.locale)}</dd>
          <dt>Lost months</dt>
          <dd>${rental.lostMonths}</dd>
        </dl>
        ${
          open && may(ctx, 'biller')
            ? html`${errorSummary(rErrors, ['change', 'effectiveOn', 'reason', 'inpatient', 'newMedicalNeed'])}
              ${form(
                ctx,
                `${base}/rental`,
                html`${field({ form: 'rental', name: 'change', label: 'Change', type: 'select', required: true, value: rValues.change, options: ['hold', 'resume', 'pickup', 'purchase-option-offered'] }, rErrors)}
                ${field({ form: 'rental', name: 'effectiveOn', label: 'Effective on', type: 'date', required: true, value: rValues.effectiveOn }, rErrors)}
                ${field({ form: 'rental', name: 'reason', label: 'Reason', value: rValues.reason }, rErrors)}
                ${field({ form: 'rental', name: 'inpatient', label: 'Hold: an inpatient stay', type: 'checkbox', value: rValues.inpatient }, rErrors)}
                ${field({ form: 'rental', name: 'newMedicalNeed', label: 'Resume: a new medical need (new rental period)', type: 'checkbox', value: rValues.newMedicalNeed }, rErrors)}`,
                'Record rental change',
              )}`
            : ''
        }`
    : '';

  const claimsSection = html`<h2>Claims</h2>
    <table>
      <thead>
        <tr>
          <th>Claim</th>
          <th>Service</th>
          <th>Month</th>
          <th>Status</th>
          ${
            seesClaims(ctx)
              ? html`<th class="num">Charge</th>
                  <th class="num">Paid</th>`
              : ''
          }
        </tr>
      </thead>
      <tbody>
        ${noRows(order.claims, 6, 'No claim yet.')}
        ${order.claims.map(
          (claim) =>
            html`<tr>
              <td>${seesClaims(ctx) ? html`<a href="/app/claims/${claim.id}">${claim.claimNumber}</a>` : claim.claimNumber}</td>
              <td>${day(claim.serviceFrom, ctx.locale)} – ${day(claim.serviceTo, ctx.locale)}</td>
              <td class="num">${claim.rentalMonth ?? '—'}</td>
              <td>${badge(claim.status)}${claim.statusReason ? html` <span class="muted">${claim.statusReason}</span>` : ''}</td>
              ${
                seesClaims(ctx)
                  ? html`<td class="num">${dollars(claim.totalCharge, ctx.locale)}</td>
                      <td class="num">${dollars(claim.paidAmount, ctx.locale)}</td>`
                  : ''
              }
            </tr>`,
        )}
      </tbody>
    </table>`;

  const cErrors = errorsFor(failed, 'cancel');
  const cancelSection =
    open && may(ctx, 'intake')
      ? html`<details ${cErrors ? html`open` : ''}>
          <summary>Cancel the order…</summary>
          ${errorSummary(cErrors, ['reason'])}
          ${form(ctx, `${base}/cancel`, field({ form: 'cancel', name: 'reason', label: 'Why', required: true, value: valuesFor(failed, 'cancel').reason }, cErrors), 'Cancel order')}
        </details>`
      : '';

  // The coverage the order bills turned out wrong (eligibility said so): intake picks another of the patient's.
  const covErrors = errorsFor(failed, 'coverage');
  const coverageSection =
    open && order.blockedOn === 'coverage' && may(ctx, 'intake')
      ? html`<h2>Correct the coverage</h2>
          ${errorSummary(covErrors, ['coverageId'])}
          ${form(
            ctx,
            `${base}/coverage`,
            field(
              {
                form: 'coverage',
                name: 'coverageId',
                label: 'Bill this coverage instead',
                type: 'select',
                required: true,
                value: valuesFor(failed, 'coverage').coverageId,
                options: (patient.coverages ?? []).map((coverage) => ({ value: coverage.id, label: `${coverage.payerId} (${coverage.priority})` })),
                hint: 'Add the right coverage on the patient’s page first if it is not listed',
              },
              covErrors,
            ),
            'Bill this coverage',
          )}`
      : '';

  // A refused form the page no longer shows (the order moved on meanwhile) has its errors at the top.
  const shown = new Set([
    ...(register ? ['documents'] : []),
    ...order.documents.filter((doc) => awaitingReview(order, doc) && may(ctx, 'reviewer')).map((doc) => `review-${doc.id}`),
    ...(coverageSection ? ['coverage'] : []),
    ...(priorAuth?.status === 'requested' && may(ctx, 'reviewer') ? ['prior-auth'] : []),
    ...(!order.delivery && order.stage === 'delivery' && may(ctx, 'delivery') ? ['delivery'] : []),
    ...(rental && open && may(ctx, 'biller') ? ['rental'] : []),
    ...(cancelSection ? ['cancel'] : []),
  ]);
  return html`${notice(c)} ${failed && !shown.has(failed.form) ? errorSummary(failed.errors, []) : ''} ${timeline(order)}
    <dl class="facts">
      <dt>Patient</dt>
      <dd>
        <a href="/app/patients/${order.patientId}">${name || 'Patient'}</a
        >${patient.birthDate ? html`, born ${day(patient.birthDate, ctx.locale)}` : ''}
      </dd>
      <dt>Stage</dt>
      <dd>
        ${badge(order.stage)}${order.blockedOn ? html` waiting for ${badge(order.blockedOn)}` : ''}${order.cancelReason ? html` <span class="muted">${order.cancelReason}</span>` : ''}
      </dd>
      ${
        status?.systemError
          ? html`<dt>System error</dt>
              <dd>${badge('system-error')} ${status.systemError.activityType} (${status.systemError.code})</dd>`
          : ''
      }
      <dt>Items</dt>
      <dd>
        ${order.items.map((item) => html`${item.hcpcs}${item.side ? ` ${item.side}` : ''} × ${item.quantity} (${item.acquisition})${seesClaims(ctx) ? html`, ${dollars(item.unitCharge, ctx.locale)} each` : ''}<br />`)}
      </dd>
      <dt>Payer</dt>
      <dd>${order.payerId}</dd>
      <dt>Ordered</dt>
      <dd>${day(order.orderDate, ctx.locale)} by NPI ${order.prescriberNpi}; diagnoses ${order.diagnoses.join(', ')}</dd>
      <dt>Eligibility</dt>
      <dd>
        ${status?.eligibility ? html`${status.eligibility.active && status.eligibility.coversDme ? badge('accepted') : badge('rejected')} checked ${moment(status.eligibility.checkedAt, ctx.locale)}` : '—'}
      </dd>
      <dt>Next follow-up</dt>
      <dd>${moment(order.nextFollowUpAt, ctx.locale)}</dd>
      <dt>Entered</dt>
      <dd>${moment(order.createdAt, ctx.locale)} by ${order.createdBy}</dd>
      <dt>Status recorded</dt>
      <dd>${moment(order.statusRecordedAt, ctx.locale)}</dd>
      <dt>Workflow</dt>
      <dd><code>${orderWorkflowId(order.id)}</code> ${workflowLink(ctx, order.workflowId)}</dd>
      ${
        order.delivery && may(ctx, 'intake')
          ? html`<dt>Resupply</dt>
              <dd><a href="/app/resupply/new?patientId=${order.patientId}&amp;deviceOrderId=${order.id}">Start a resupply plan</a></dd>`
          : ''
      }
    </dl>
    ${coverageSection} ${documents} ${priorAuthSection} ${deliverySection} ${rentalSection} ${claimsSection} ${cancelSection}`;
}
