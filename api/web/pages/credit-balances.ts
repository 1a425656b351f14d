/**
 * Credit balances (billers): open overpayments with their report-and-return countdown and
 * the resolve form; resolved ones with who resolved them how.
 */
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { badge, countdown, day, dollars, errorSummary, field, form, formErrors, layout, moment, notice, pager, noRows } from '../html';
import { failedStatus, formText, page, pathParam, runFormCommand, type Failed, type ListPage, type WebContext, type WebEnv } from '../respond';

const pageSize = 25;

interface CreditBalance {
  id: string;
  claimId: string;
  payerId: string;
  party: string;
  reason: string;
  amount: number;
  identifiedAt: string;
  deadlineOn: string;
  status: string;
  resolution: string | null;
  reference: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export function creditBalancePages(app: Hono<WebEnv>) {
  const creditList = async (c: WebContext, failed?: Failed) => {
    const ctx = c.get('page');
    const status = c.req.query('status') === 'resolved' ? 'resolved' : 'open';
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const answer = await c
      .get('api')
      .get<{ creditBalances: CreditBalance[]; page: ListPage }>('/credit-balances', { status, limit: pageSize, offset });
    if (!answer.ok)
      return page(c, layout(ctx, 'Credit balances', '/app/credit-balances', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const resolveForm = (credit: CreditBalance) => {
      const formName = `resolve-${credit.id}`;
      const errors = failed?.form === formName ? failed.errors : undefined;
      const values = failed?.form === formName ? failed.values : {};
      return html`<details ${errors ? html`open` : ''}>
        <summary>Resolve…</summary>
        ${errorSummary(errors, ['resolution', 'reference', 'targetClaimId', 'consent'])}
        ${form(
          ctx,
          `/app/credit-balances/${credit.id}/resolve`,
          html`${field({ form: formName, name: 'resolution', label: 'Resolution', type: 'select', required: true, value: values.resolution, options: ['refund-to-payer', 'refund-to-patient', 'apply-to-balance'] }, errors)}
          ${field({ form: formName, name: 'reference', label: 'Refund check or EFT number', value: values.reference }, errors)}
          ${field({ form: formName, name: 'targetClaimId', label: 'Apply to: the patient’s claim id', value: values.targetClaimId }, errors)}
          ${field({ form: formName, name: 'consent', label: 'Apply: the patient consented', type: 'checkbox', value: values.consent }, errors)}`,
          'Resolve',
        )}
      </details>`;
    };
    // A refused resolution whose row is not on this page (resolved meanwhile, or further down the list) has its message at the top.
    const shownForms = new Set(answer.json.creditBalances.filter((credit) => credit.status === 'open').map((credit) => `resolve-${credit.id}`));
    const body = html`${notice(c)} ${failed && !shownForms.has(failed.form) ? errorSummary(failed.errors, []) : ''}
      <p class="muted">Overpayments must be reported and returned by their deadline (Medicare: 60 days from identification, 42 CFR 401.305).</p>
      <nav class="filters">
        <a href="/app/credit-balances" ${status === 'open' ? raw('aria-current="page"') : ''}>Open</a>
        <a href="/app/credit-balances?status=resolved" ${status === 'resolved' ? raw('aria-current="page"') : ''}>Resolved</a>
      </nav>
      <table>
        <thead>
          <tr>
            <th>Claim</th>
            <th>Payer</th>
            <th>Whose</th>
            <th>Reason</th>
            <th class="num">Amount</th>
            <th>Identified</th>
            <th>Deadline</th>
            <th>${status === 'open' ? '' : 'Resolution'}</th>
          </tr>
        </thead>
        <tbody>
          ${noRows(answer.json.creditBalances, 8, 'None.')}
          ${answer.json.creditBalances.map(
            (credit) =>
              html`<tr>
                <td><a href="/app/claims/${credit.claimId}">Claim</a></td>
                <td>${credit.payerId}</td>
                <td>${credit.party}</td>
                <td>${credit.reason}</td>
                <td class="num">${dollars(credit.amount, ctx.locale)}</td>
                <td>${moment(credit.identifiedAt, ctx.locale)}</td>
                <td>${credit.status === 'open' ? countdown(credit.deadlineOn, ctx.locale, 14) : day(credit.deadlineOn, ctx.locale)}</td>
                <td>
                  ${credit.status === 'open' ? resolveForm(credit) : html`${badge(credit.resolution)} ${credit.reference ?? ''} by ${credit.resolvedBy ?? '—'} ${moment(credit.resolvedAt, ctx.locale)}`}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${pager(answer.json.page, (next) => `/app/credit-balances?status=${status}&offset=${next}`)}`;
    return page(c, layout(ctx, 'Credit balances', '/app/credit-balances', body), failed?.status ?? 200);
  };
  app.get('/app/credit-balances', (c) => creditList(c));
  app.post('/app/credit-balances/:id/resolve', async (c) => {
    const id = pathParam(c, 'id');
    const posted = c.get('form');
    const body = {
      resolution: formText(posted, 'resolution'),
      ...(formText(posted, 'reference') ? { reference: formText(posted, 'reference') } : {}),
      ...(formText(posted, 'targetClaimId') ? { targetClaimId: formText(posted, 'targetClaimId') } : {}),
      ...(formText(posted, 'consent') ? { consent: true } : {}),
    };
    const result = await runFormCommand(
      c,
      `resolve-${id}`,
      () => c.get('api').post(`/credit-balances/${id}/resolve`, body),
      '/app/credit-balances',
      'Credit balance resolved',
    );
    return result instanceof Response ? result : creditList(c, result);
  });
}
