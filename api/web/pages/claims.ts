/**
 * Claims (billers): the list by status and payer, the claim page with its lines and
 * modifiers, status history, payers in order, payments with their adjustments, the
 * 837P as sent and each payment's part of its 835 as text, and the correction and
 * appeal commands; and the denials-and-appeals list with deadline countdowns.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { claimStatuses } from '../../../domain/claim-statuses';
import { badge, countdown, day, dollars, errorSummary, field, formErrors, layout, moment, pager, noRows } from '../html';
import {
  failedStatus,
  formOptional,
  formText,
  page,
  passFile,
  pathParam,
  queryErrors,
  runFormCommand,
  type Failed,
  type FormFields,
  type ListPage,
  type WebContext,
  type WebEnv,
} from '../respond';
import { claimBody, type ClaimView } from './claim-page';
import { centsOf } from './new-order';

const pageSize = 25;

export interface ClaimSummary {
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

export function claimPages(app: Hono<WebEnv>) {
  app.get('/app/claims', async (c) => {
    const ctx = c.get('page');
    const query = { status: c.req.query('status') || undefined, payerId: c.req.query('payerId') || undefined };
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const api = c.get('api');
    const [answer, payers] = await Promise.all([
      api.get<{ claims: ClaimSummary[]; page: ListPage }>('/claims', { ...query, limit: pageSize, offset }),
      api.get<{ payers: { id: string; name: string }[] }>('/payers'),
    ]);
    const errors = answer.ok ? undefined : queryErrors(formErrors(answer));
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
            <th class="num" title="What the payer’s 835 left to the patient, before patient payments">Patient share</th>
            <th>Submitted</th>
          </tr>
        </thead>
        <tbody>
          ${noRows(answer.json.claims, 9, 'No claims match.')}
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
    const id = pathParam(c, 'id');
    const api = c.get('api');
    const [answer, x12] = await Promise.all([api.get<ClaimView>(`/claims/${id}`), api.get(`/claims/${id}/837`)]);
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
  app.get('/app/claims/:id/cms1500', (c) => passFile(c, `/claims/${pathParam(c, 'id')}/cms1500`, 'CMS-1500', '/app/claims'));

  /** A command of the claim page; `path` is null when the claim itself cannot be read (the page then says why). */
  const post = (formName: string, path: (c: WebContext) => Promise<string | null>, body: (form: FormFields) => unknown, done: string) =>
    app.post(`/app/claims/:id/${formName}`, async (c) => {
      const target = await path(c);
      if (target === null) return show(c);
      const result = await runFormCommand(
        c,
        formName,
        () => c.get('api').post(target, body(c.get('form'))),
        `/app/claims/${pathParam(c, 'id')}`,
        done,
      );
      return result instanceof Response ? result : show(c, result);
    });

  post(
    'correct',
    async (c) => {
      // The correction is the order's command: its workflow sends the claim again from the order's data.
      const claim = await c.get('api').get<ClaimSummary>(`/claims/${pathParam(c, 'id')}`);
      return claim.ok ? `/orders/${claim.json.orderId}/claims/${claim.json.id}/correct` : null;
    },
    (form) => ({ note: formOptional(form, 'note') }),
    'Claim sent again',
  );
  post(
    'patient-payment',
    async (c) => `/claims/${pathParam(c, 'id')}/patient-payments`,
    (form) => ({ amount: centsOf(formText(form, 'amount')), receivedOn: formText(form, 'receivedOn'), reference: formOptional(form, 'reference') }),
    'Patient payment recorded',
  );
  post(
    'appeal',
    async (c) => `/claims/${pathParam(c, 'id')}/appeal`,
    (form) => ({ filedOn: formText(form, 'filedOn'), reference: formOptional(form, 'reference') }),
    'Appeal filed',
  );
  post(
    'appeal-decision',
    async (c) => `/claims/${pathParam(c, 'id')}/appeal/decision`,
    (form) => ({
      decision: formText(form, 'decision'),
      decidedOn: formText(form, 'decidedOn'),
      next: formOptional(form, 'next'),
      reason: formOptional(form, 'reason'),
    }),
    'Appeal decision recorded',
  );

  app.get('/app/denials', async (c) => {
    const ctx = c.get('page');
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const answer = await c.get('api').get<{ appeals: AppealListed[]; page: ListPage }>('/appeals', { limit: pageSize, offset });
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
          ${noRows(answer.json.appeals, 9, 'No open denials.')}
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
