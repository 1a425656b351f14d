/**
 * Claims (billers): the list by status and payer, the claim page with its lines and
 * modifiers, status history, payers in order, payments with their adjustments, the
 * 837P as sent and each payment's part of its 835 as text, and the correction and
 * appeal commands; and the denials-and-appeals list with deadline countdowns.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { claimStatuses } from '../../../domain/claim-statuses';
import { claimWorkflowId } from '../../../workflows/definitions';
import {
  badge,
  countdown,
  day,
  dollars,
  errorSummary,
  field,
  form,
  formErrors,
  layout,
  moment,
  notice,
  pager,
  workflowLink,
  type FormErrors,
  type Html,
  type PageContext,
} from '../html';
import { failedStatus, page, runFormCommand, type Failed, type FormFields, type WebContext, type WebEnv } from '../respond';

const pageSize = 25;

interface Page {
  limit: number;
  offset: number;
  total: number;
}

interface ClaimSummary {
  id: string;
  orderId: string;
  claimNumber: string;
  payerId: string;
  status: string;
  statusReason: string | null;
  resolution: string | null;
  serviceFrom: string;
  serviceTo: string;
  rentalMonth: number | null;
  totalCharge: number;
  paidAmount: number;
  patientResponsibility: number;
  frequencyCode: string;
  correctsClaimId: string | null;
  payerClaimNumber: string | null;
  submittedAt: string | null;
  createdAt: string;
}

interface Adjustment {
  groupCode: string;
  reasonCode: string;
  amount: number;
}

interface ClaimView extends ClaimSummary {
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

export interface AppealListed {
  id: string;
  claimId: string;
  claimNumber: string;
  orderId: string;
  payerId: string;
  level: string;
  status: string;
  denialCodes: string[];
  amount: number;
  prerequisite: string | null;
  determinationOn: string;
  deadlineOn: string;
  filedOn: string | null;
  reference: string | null;
}

/** An appeal still in the biller's hands: due to be filed, or filed and waiting for its decision (db/schema.ts appealStatuses). */
const appealOpen = (status: string) => status === 'due' || status === 'filed';

/** The segments of one claim's CLP loop in an 835 (CLP… up to the next CLP, LX, SE or PLB), one a line. */
export function claimLoopOf(x12: string, claimNumber: string): string | null {
  if (!x12.startsWith('ISA') || x12.length < 106) return null;
  const element = x12[3];
  const terminator = x12[105];
  const segments = x12.split(terminator).map((segment) => segment.trim());
  const start = segments.findIndex((segment) => segment.startsWith(`CLP${element}${claimNumber}${element}`));
  if (start < 0) return null;
  const ends = ['CLP', 'LX', 'SE', 'PLB'].map((id) => `${id}${element}`);
  let end = start + 1;
  while (end < segments.length && !ends.some((id) => segments[end].startsWith(id))) end += 1;
  return segments
    .slice(start, end)
    .map((segment) => `${segment}${terminator}`)
    .join('\n');
}

const adjustmentsText = (adjustments: Adjustment[], locale: string) =>
  adjustments.map((adjustment) => `${adjustment.groupCode}-${adjustment.reasonCode} ${dollars(adjustment.amount, locale)}`).join(', ') || '—';

export function claimPages(app: Hono<WebEnv>) {
  app.get('/app/claims', async (c) => {
    const ctx = c.get('page');
    const query = { status: c.req.query('status') || undefined, payerId: c.req.query('payerId') || undefined };
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const api = c.get('api');
    const [answer, payers] = await Promise.all([
      api.get<{ claims: ClaimSummary[]; page: Page }>('/claims', { ...query, limit: pageSize, offset }),
      api.get<{ payers: { id: string; name: string }[] }>('/payers'),
    ]);
    const errors = answer.ok ? undefined : formErrors(answer);
    const filters = html`<form method="get" action="/app/claims" class="filters">
      ${field({ name: 'status', label: 'Status', type: 'select', value: query.status, options: claimStatuses }, errors)}
      ${field({ name: 'payerId', label: 'Payer', type: 'select', value: query.payerId, options: (payers.ok ? payers.json.payers : []).map((payer) => ({ value: payer.id, label: payer.name })) }, errors)}
      <button type="submit" class="secondary">Filter</button>
    </form>`;
    if (!answer.ok) return page(c, layout(ctx, 'Claims', '/app/claims', html`${errorSummary(errors, [])}${filters}`), failedStatus(answer.status));
    const href = (next: number) =>
      `/app/claims?${new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)), ...(next ? { offset: String(next) } : {}) } as Record<string, string>)}`;
    const body = html`${filters}
      <table>
        <thead>
          <tr>
            <th>Claim</th>
            <th>Payer</th>
            <th>Service</th>
            <th>Month</th>
            <th>Status</th>
            <th class="num">Charge</th>
            <th class="num">Paid</th>
            <th class="num">Patient</th>
            <th>Submitted</th>
          </tr>
        </thead>
        <tbody>
          ${
            answer.json.claims.length === 0
              ? html`<tr>
                  <td colspan="9" class="muted">No claims match.</td>
                </tr>`
              : ''
          }
          ${answer.json.claims.map(
            (claim) =>
              html`<tr>
                <td>
                  <a href="/app/claims/${claim.id}">${claim.claimNumber}</a
                  >${claim.correctsClaimId ? html` <span class="muted">(replaces)</span>` : ''}
                </td>
                <td>${claim.payerId}</td>
                <td>${day(claim.serviceFrom, ctx.locale)} – ${day(claim.serviceTo, ctx.locale)}</td>
                <td class="num">${claim.rentalMonth ?? '—'}</td>
                <td>${badge(claim.resolution ?? claim.status)}</td>
                <td class="num">${dollars(claim.totalCharge, ctx.locale)}</td>
                <td class="num">${dollars(claim.paidAmount, ctx.locale)}</td>
                <td class="num">${dollars(claim.patientResponsibility, ctx.locale)}</td>
                <td>${moment(claim.submittedAt, ctx.locale)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${pager(answer.json.page, href)}`;
    return page(c, layout(ctx, 'Claims', '/app/claims', body));
  });

  const show = async (c: WebContext, failed?: Failed) => {
    const ctx = c.get('page');
    const id = c.req.param('id') ?? '';
    const api = c.get('api');
    const [answer, x12] = await Promise.all([
      api.get<ClaimView>(`/claims/${encodeURIComponent(id)}`),
      api.get(`/claims/${encodeURIComponent(id)}/837`),
    ]);
    if (!answer.ok) return page(c, layout(ctx, 'Claim', '/app/claims', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const claim = answer.json;
    // Each payment's CLP loop, from the 835 it came in (one file read per remittance).
    const remittanceIds = [...new Set(claim.payments.map((payment) => payment.remittanceId))];
    const files = await Promise.all(remittanceIds.map((remittanceId) => api.get(`/remittances/${remittanceId}/835`)));
    const loops = new Map(
      remittanceIds.map((remittanceId, index) => [remittanceId, files[index].ok ? claimLoopOf(files[index].text, claim.claimNumber) : null]),
    );
    return page(
      c,
      layout(ctx, `Claim ${claim.claimNumber}`, '/app/claims', claimBody(c, ctx, claim, x12.ok ? x12.text : null, loops, failed)),
      failed?.status ?? 200,
    );
  };
  app.get('/app/claims/:id', (c) => show(c));
  // The claim on paper, passed on from the API as it is (a PDF with PHI: never cached).
  app.get('/app/claims/:id/cms1500', async (c) => {
    const response = await c.get('api').file(`/claims/${encodeURIComponent(c.req.param('id'))}/cms1500`);
    if (response.ok) {
      return c.body(await response.arrayBuffer(), 200, {
        'content-type': response.headers.get('content-type') ?? 'application/pdf',
        'content-disposition': response.headers.get('content-disposition') ?? 'inline',
      });
    }
    const ctx = c.get('page');
    const json: unknown = await response.json().catch(() => null);
    return page(c, layout(ctx, 'CMS-1500', '/app/claims', errorSummary(formErrors({ json }), [])), failedStatus(response.status));
  });

  const text = (form: FormFields, name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  const optional = (form: FormFields, name: string) => text(form, name) || undefined;
  const post = (formName: string, path: (c: WebContext) => Promise<string>, body: (form: FormFields) => unknown, done: string) =>
    app.post(`/app/claims/:id/${formName}`, async (c) => {
      const target = await path(c);
      const result = await runFormCommand(
        c,
        formName,
        () => c.get('api').post(target, body(c.get('form'))),
        `/app/claims/${c.req.param('id') ?? ''}`,
        done,
      );
      return result instanceof Response ? result : show(c, result);
    });

  post(
    'correct',
    async (c) => {
      // The correction is the order's command: its workflow sends the claim again from the order's data.
      const claim = await c.get('api').get<ClaimSummary>(`/claims/${encodeURIComponent(c.req.param('id') ?? '')}`);
      return claim.ok ? `/orders/${claim.json.orderId}/claims/${claim.json.id}/correct` : `/claims/${encodeURIComponent(c.req.param('id') ?? '')}`;
    },
    (form) => ({ note: optional(form, 'note') }),
    'Claim sent again',
  );
  post(
    'appeal',
    async (c) => `/claims/${encodeURIComponent(c.req.param('id') ?? '')}/appeal`,
    (form) => ({ filedOn: text(form, 'filedOn'), reference: optional(form, 'reference') }),
    'Appeal filed',
  );
  post(
    'appeal-decision',
    async (c) => `/claims/${encodeURIComponent(c.req.param('id') ?? '')}/appeal/decision`,
    (form) => ({
      decision: text(form, 'decision'),
      decidedOn: text(form, 'decidedOn'),
      next: optional(form, 'next'),
      reason: optional(form, 'reason'),
    }),
    'Appeal decision recorded',
  );

  app.get('/app/denials', async (c) => {
    const ctx = c.get('page');
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const answer = await c.get('api').get<{ appeals: AppealListed[]; page: Page }>('/appeals', { limit: pageSize, offset });
    if (!answer.ok)
      return page(c, layout(ctx, 'Denials & appeals', '/app/denials', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const body = html`<p class="muted">Denials waiting for a reopening or appeal, earliest deadline first.</p>
      <table>
        <thead>
          <tr>
            <th>Claim</th>
            <th>Payer</th>
            <th>Denial</th>
            <th class="num">Amount</th>
            <th>Level</th>
            <th>Status</th>
            <th>Needs first</th>
            <th>Deadline</th>
            <th>Filed</th>
          </tr>
        </thead>
        <tbody>
          ${
            answer.json.appeals.length === 0
              ? html`<tr>
                  <td colspan="9" class="muted">No open denials.</td>
                </tr>`
              : ''
          }
          ${answer.json.appeals.map(
            (appeal) =>
              html`<tr>
                <td><a href="/app/claims/${appeal.claimId}">${appeal.claimNumber}</a></td>
                <td>${appeal.payerId}</td>
                <td>${appeal.denialCodes.join(', ')}</td>
                <td class="num">${dollars(appeal.amount, ctx.locale)}</td>
                <td>${appeal.level}</td>
                <td>${badge(appeal.status)}</td>
                <td>${appeal.prerequisite ?? '—'}</td>
                <td>${appeal.filedOn ? day(appeal.deadlineOn, ctx.locale) : countdown(appeal.deadlineOn, ctx.locale)}</td>
                <td>${appeal.filedOn ? html`${day(appeal.filedOn, ctx.locale)}${appeal.reference ? html` (${appeal.reference})` : ''}` : '—'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${pager(answer.json.page, (next) => `/app/denials?offset=${next}`)}`;
    return page(c, layout(ctx, 'Denials & appeals', '/app/denials', body));
  });
}

const valuesFor = (failed: Failed | undefined, formName: string) => (failed?.form === formName ? failed.values : {});
const errorsFor = (failed: Failed | undefined, formName: string): FormErrors | undefined => (failed?.form === formName ? failed.errors : undefined);

function claimBody(c: WebContext, ctx: PageContext, claim: ClaimView, x12: string | null, loops: Map<string, string | null>, failed?: Failed): Html {
  const base = `/app/claims/${claim.id}`;
  const openAppeal = claim.appeals.find((appeal) => appealOpen(appeal.status));
  const correctErrors = errorsFor(failed, 'correct');
  const fileErrors = errorsFor(failed, 'appeal');
  const decisionErrors = errorsFor(failed, 'appeal-decision');
  const fileValues = valuesFor(failed, 'appeal');
  const decisionValues = valuesFor(failed, 'appeal-decision');

  const actions = html` ${
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
      <dt>Charge / paid / patient</dt>
      <dd>
        ${dollars(claim.totalCharge, ctx.locale)} / ${dollars(claim.paidAmount, ctx.locale)} / ${dollars(claim.patientResponsibility, ctx.locale)}
      </dd>
      <dt>Submitted</dt>
      <dd>${moment(claim.submittedAt, ctx.locale)}</dd>
      <dt>Workflow</dt>
      <dd><code>${claimWorkflowId(claim.id)}</code> ${workflowLink(ctx, claimWorkflowId(claim.id))}</dd>
    </dl>
    ${failed && !['correct', 'appeal', 'appeal-decision'].includes(failed.form) ? errorSummary(failed.errors, []) : ''} ${actions}
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
                      <td>${appeal.filedOn || appeal.decidedOn ? day(appeal.deadlineOn, ctx.locale) : countdown(appeal.deadlineOn, ctx.locale)}</td>
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
