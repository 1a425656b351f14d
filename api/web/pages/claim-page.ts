/**
 * The claim page's body: its facts, payers in order, lines with modifiers, status history,
 * appeals, payments with their part of each 835, the 837P as sent, and the correction and
 * appeal forms when the claim waits for them.
 */
import { html } from 'hono/html';
import { claimWorkflowId } from '../../../workflows/definitions';
import {
  badge,
  countdown,
  day,
  dollars,
  errorSummary,
  field,
  form,
  moment,
  notice,
  workflowLink,
  type FormErrors,
  type Html,
  type PageContext,
} from '../html';
import { failedErrors, failedValues, inDollars, type Failed, type WebContext } from '../respond';
import type { ClaimSummary } from './claims';

interface Adjustment {
  groupCode: string;
  reasonCode: string;
  amount: number;
}

export interface ClaimView extends ClaimSummary {
  lines: {
    lineNumber: number;
    hcpcs: string;
    modifiers: string[];
    units: number;
    charge: number;
    serviceFrom: string;
    serviceTo: string;
    rentalMonth: number | null;
    voided: boolean;
    paidAmount: number;
    allowedAmount: number | null;
  }[];
  events: { kind: string; detail: Record<string, unknown>; at: string }[];
  appeals: {
    id: string;
    level: string;
    status: string;
    denialCodes: string[];
    amount: number;
    prerequisite: string | null;
    deadlineOn: string;
    filedOn: string | null;
    reference: string | null;
    decidedOn: string | null;
    decision: string | null;
  }[];
  payers: { level: string; payerId: string; status: string; submittedAt: string | null; paidAmount: number; note: string | null }[];
  payments: {
    remittanceId: string;
    traceNumber: string;
    paymentDate: string | null;
    statusCode: string;
    outcome: string;
    charge: number;
    paid: number;
    patientResponsibility: number;
    remarkCodes: string[];
    adjustments: Adjustment[];
    lines: {
      hcpcs: string;
      modifiers: string[];
      charge: number;
      paid: number;
      allowed: number | null;
      units: number;
      adjustments: Adjustment[];
      remarkCodes: string[];
    }[];
  }[];
}

/** An appeal still in the biller's hands: due to be filed, or filed and waiting for its decision (db/schema.ts appealStatuses). */
const appealOpen = (status: string) => status === 'due' || status === 'filed';

const adjustmentsText = (adjustments: Adjustment[], locale: string) =>
  adjustments.map((adjustment) => `${adjustment.groupCode}-${adjustment.reasonCode} ${dollars(adjustment.amount, locale)}`).join(', ') || '—';

const valuesFor = failedValues;

/** The API counts money in whole cents; the form asks for dollars. */
function dollarsSaid(errors: FormErrors | undefined): FormErrors | undefined {
  if (!errors) return undefined;
  const said = (message: string) => inDollars(message, '25.00');
  return {
    message: errors.message,
    byField: Object.fromEntries(Object.entries(errors.byField).map(([name, messages]) => [name, messages.map(said)])),
  };
}
const errorsFor = failedErrors;

export function claimBody(
  c: WebContext,
  ctx: PageContext,
  claim: ClaimView,
  x12: string | null,
  loops: Map<string, string | null>,
  failed?: Failed,
): Html {
  const base = `/app/claims/${claim.id}`;
  const openAppeal = claim.appeals.find((appeal) => appealOpen(appeal.status));
  const correctErrors = errorsFor(failed, 'correct');
  const fileErrors = errorsFor(failed, 'appeal');
  const decisionErrors = errorsFor(failed, 'appeal-decision');
  const fileValues = valuesFor(failed, 'appeal');
  const decisionValues = valuesFor(failed, 'appeal-decision');

  const paymentErrors = dollarsSaid(errorsFor(failed, 'patient-payment'));
  const paymentValues = valuesFor(failed, 'patient-payment');
  const patientPayment =
    claim.patientResponsibility > 0
      ? html`<details ${paymentErrors ? html`open` : ''}>
          <summary>Record a patient payment…</summary>
          ${errorSummary(paymentErrors, ['amount', 'receivedOn', 'reference'])}
          ${form(
            ctx,
            `${base}/patient-payment`,
            html`${field({ form: 'pay', name: 'amount', label: 'Amount, dollars', required: true, value: paymentValues.amount, hint: `The payer's 835 left ${dollars(claim.patientResponsibility, ctx.locale)} to the patient; what they still owe after the payments recorded here is on A/R aging` }, paymentErrors)}
            ${field({ form: 'pay', name: 'receivedOn', label: 'Received on', type: 'date', required: true, value: paymentValues.receivedOn }, paymentErrors)}
            ${field({ form: 'pay', name: 'reference', label: 'Check number or card transaction id', value: paymentValues.reference }, paymentErrors)}`,
            'Record payment',
          )}
        </details>`
      : '';
  // A refused form the page no longer shows (the claim moved on meanwhile) has its message at the top.
  const shownForms = [
    ...(patientPayment ? ['patient-payment'] : []),
    ...(claim.status === 'rejected' ? ['correct'] : []),
    ...(openAppeal && !openAppeal.filedOn ? ['appeal'] : []),
    ...(openAppeal?.filedOn ? ['appeal-decision'] : []),
  ];
  const actions = html`${patientPayment}
  ${
    claim.status === 'rejected'
      ? html`<h2>Correct and send again</h2>
          <p class="muted">Fix the order's data first (coverage, documents); the order's workflow then builds and sends the claim again.</p>
          ${errorSummary(correctErrors, ['note'])}
          ${form(ctx, `${base}/correct`, field({ form: 'correct', name: 'note', label: 'What was fixed', value: valuesFor(failed, 'correct').note }, correctErrors), 'Send corrected claim')}`
      : ''
  }
  ${
    openAppeal && !openAppeal.filedOn
      ? html`<h2>File the ${openAppeal.level}</h2>
          <p>
            Deadline ${countdown(openAppeal.deadlineOn, ctx.locale)}${openAppeal.prerequisite ? html`; needs first: ${openAppeal.prerequisite}` : ''}
          </p>
          ${errorSummary(fileErrors, ['filedOn', 'reference'])}
          ${form(
            ctx,
            `${base}/appeal`,
            html`${field({ form: 'appeal', name: 'filedOn', label: 'Filed on', type: 'date', required: true, value: fileValues.filedOn }, fileErrors)}
            ${field({ form: 'appeal', name: 'reference', label: 'Contractor’s reference', value: fileValues.reference }, fileErrors)}`,
            'Record filing',
          )}`
      : ''
  }
  ${
    openAppeal?.filedOn
      ? html`<h2>Decision on the ${openAppeal.level}</h2>
          ${errorSummary(decisionErrors, ['decision', 'decidedOn', 'next', 'reason'])}
          ${form(
            ctx,
            `${base}/appeal-decision`,
            html`${field({ form: 'decision', name: 'decision', label: 'Decision', type: 'select', required: true, value: decisionValues.decision, options: ['won', 'lost'] }, decisionErrors)}
            ${field({ form: 'decision', name: 'decidedOn', label: 'Decided on', type: 'date', required: true, value: decisionValues.decidedOn }, decisionErrors)}
            ${field({ form: 'decision', name: 'next', label: 'Lost: then', type: 'select', value: decisionValues.next, options: ['next-level', 'write-off'] }, decisionErrors)}
            ${field({ form: 'decision', name: 'reason', label: 'Reason', value: decisionValues.reason }, decisionErrors)}`,
            'Record decision',
          )}`
      : ''
  }`;

  return html`${notice(c)}
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        ${badge(claim.status)}${claim.statusReason ? html` <span class="muted">${claim.statusReason}</span>` : ''}${claim.resolution ? html` → ${badge(claim.resolution)}` : ''}
      </dd>
      <dt>Order</dt>
      <dd><a href="/app/orders/${claim.orderId}">${claim.orderId.slice(0, 8)}</a></dd>
      <dt>Payer</dt>
      <dd>${claim.payerId}${claim.payerClaimNumber ? html`, payer claim number <code>${claim.payerClaimNumber}</code>` : ''}</dd>
      <dt>Service</dt>
      <dd>
        ${day(claim.serviceFrom, ctx.locale)} –
        ${day(claim.serviceTo, ctx.locale)}${claim.rentalMonth ? html`, rental month ${claim.rentalMonth}` : ''}
      </dd>
      <dt>Frequency</dt>
      <dd>
        ${claim.frequencyCode}${claim.correctsClaimId ? html`, replaces <a href="/app/claims/${claim.correctsClaimId}">an earlier claim</a>` : ''}
      </dd>
      <dt>Charge / paid / patient share (835)</dt>
      <dd>
        ${dollars(claim.totalCharge, ctx.locale)} / ${dollars(claim.paidAmount, ctx.locale)} / ${dollars(claim.patientResponsibility, ctx.locale)}
      </dd>
      <dt>Submitted</dt>
      <dd>${moment(claim.submittedAt, ctx.locale)}</dd>
      <dt>Workflow</dt>
      <dd><code>${claimWorkflowId(claim.id)}</code> ${workflowLink(ctx, claimWorkflowId(claim.id))}</dd>
    </dl>
    ${failed && !shownForms.includes(failed.form) ? errorSummary(failed.form === 'patient-payment' ? dollarsSaid(failed.errors) : failed.errors, []) : ''}
    ${actions}
    <h2>Lines</h2>
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>HCPCS</th>
          <th>Modifiers</th>
          <th class="num">Units</th>
          <th>Service</th>
          <th class="num">Charge</th>
          <th class="num">Allowed</th>
          <th class="num">Paid</th>
        </tr>
      </thead>
      <tbody>
        ${claim.lines.map(
          (line) =>
            html`<tr class="${line.voided ? 'muted' : ''}">
              <td>${line.lineNumber}</td>
              <td>${line.hcpcs}</td>
              <td>${line.modifiers.join(' ') || '—'}</td>
              <td class="num">${line.units}</td>
              <td>${day(line.serviceFrom, ctx.locale)}${line.serviceTo !== line.serviceFrom ? html` – ${day(line.serviceTo, ctx.locale)}` : ''}</td>
              <td class="num">${dollars(line.charge, ctx.locale)}</td>
              <td class="num">${dollars(line.allowedAmount, ctx.locale)}</td>
              <td class="num">${dollars(line.paidAmount, ctx.locale)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Payers</h2>
    <table>
      <thead>
        <tr>
          <th>Level</th>
          <th>Payer</th>
          <th>Status</th>
          <th>Submitted</th>
          <th class="num">Paid</th>
          <th>Note</th>
        </tr>
      </thead>
      <tbody>
        ${claim.payers.map(
          (payer) =>
            html`<tr>
              <td>${payer.level}</td>
              <td>${payer.payerId}</td>
              <td>${badge(payer.status)}</td>
              <td>${moment(payer.submittedAt, ctx.locale)}</td>
              <td class="num">${dollars(payer.paidAmount, ctx.locale)}</td>
              <td>${payer.note ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Status history</h2>
    <table>
      <thead>
        <tr>
          <th>When</th>
          <th>What</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${claim.events.map(
          (event) =>
            html`<tr>
              <td>${moment(event.at, ctx.locale)}</td>
              <td>${badge(event.kind)}</td>
              <td>
                <code
                  >${Object.entries(event.detail)
                    .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
                    .join('; ')}</code
                >
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      claim.appeals.length
        ? html`<h2>Appeals</h2>
            <table>
              <thead>
                <tr>
                  <th>Level</th>
                  <th>Status</th>
                  <th>Denial</th>
                  <th class="num">Amount</th>
                  <th>Deadline</th>
                  <th>Filed</th>
                  <th>Decision</th>
                </tr>
              </thead>
              <tbody>
                ${claim.appeals.map(
                  (appeal) =>
                    html`<tr>
                      <td>${appeal.level}</td>
                      <td>${badge(appeal.status)}</td>
                      <td>${appeal.denialCodes.join(', ')}</td>
                      <td class="num">${dollars(appeal.amount, ctx.locale)}</td>
                      <td>${appeal.status === 'due' ? countdown(appeal.deadlineOn, ctx.locale) : day(appeal.deadlineOn, ctx.locale)}</td>
                      <td>${day(appeal.filedOn, ctx.locale)}${appeal.reference ? ` (${appeal.reference})` : ''}</td>
                      <td>${appeal.decision ? html`${badge(appeal.decision)} ${day(appeal.decidedOn, ctx.locale)}` : '—'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
    <h2>Payments</h2>
    ${claim.payments.length === 0 ? html`<p class="muted">No remittance has posted to this claim.</p>` : ''}
    ${claim.payments.map(
      (payment) =>
        html`<div class="card">
          <p>
            ${badge(payment.outcome)} ${dollars(payment.paid, ctx.locale)} paid of ${dollars(payment.charge, ctx.locale)}, patient
            ${dollars(payment.patientResponsibility, ctx.locale)} — trace
            <a href="/app/remittances/${payment.remittanceId}">${payment.traceNumber}</a>, ${day(payment.paymentDate, ctx.locale)} (CLP02
            ${payment.statusCode})
          </p>
          <p>
            Claim adjustments:
            ${adjustmentsText(payment.adjustments, ctx.locale)}${payment.remarkCodes.length ? html`; remarks ${payment.remarkCodes.join(', ')}` : ''}
          </p>
          <table>
            <thead>
              <tr>
                <th>HCPCS</th>
                <th>Modifiers</th>
                <th class="num">Units</th>
                <th class="num">Charge</th>
                <th class="num">Allowed</th>
                <th class="num">Paid</th>
                <th>Adjustments</th>
              </tr>
            </thead>
            <tbody>
              ${payment.lines.map(
                (line) =>
                  html`<tr>
                    <td>${line.hcpcs}</td>
                    <td>${line.modifiers.join(' ')}</td>
                    <td class="num">${line.units}</td>
                    <td class="num">${dollars(line.charge, ctx.locale)}</td>
                    <td class="num">${dollars(line.allowed, ctx.locale)}</td>
                    <td class="num">${dollars(line.paid, ctx.locale)}</td>
                    <td>${adjustmentsText(line.adjustments, ctx.locale)}${line.remarkCodes.length ? ` (${line.remarkCodes.join(', ')})` : ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${
            loops.get(payment.remittanceId)
              ? html`<details>
                  <summary>This claim in the 835</summary>
                  <pre class="x12">${loops.get(payment.remittanceId)}</pre>
                </details>`
              : ''
          }
        </div>`,
    )}
    <h2>837P as sent</h2>
    ${
      x12
        ? html`<details>
            <summary>Show the X12 (${x12.length} characters)</summary>
            <pre class="x12">
${x12
                .split('~')
                .filter(Boolean)
                .map((segment) => `${segment}~`)
                .join('\n')}</pre>
          </details>`
        : html`<p class="muted">Not built yet.</p>`
    }
    <p><a href="/app/claims/${claim.id}/cms1500">CMS-1500 (PDF)</a></p>`;
}
