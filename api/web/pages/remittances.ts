/**
 * Remittances (billers): upload an 835 (a file or its pasted text), what each remittance
 * posted and what it could not match and why, and the file as received.
 */
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { remittanceWorkflowId } from '../../../workflows/definitions';
import { badge, dollars, errorSummary, field, form, formErrors, layout, moment, notice, pager, workflowLink, noRows } from '../html';
import { failedStatus, page, pathParam, textValues, type Failed, type ListPage, type WebContext, type WebEnv } from '../respond';

const pageSize = 25;

interface Remittance {
  remittanceId: string;
  workflowId: string;
  status: string;
  source: string;
  receivedAt: string;
  failure: string | null;
  traceNumber: string;
  payerIdentifier: string;
  payerId: string | null;
  paymentAmount: number;
  claims: {
    claimId: string;
    claimNumber: string;
    outcome: string;
    level: string;
    paid: number;
    patientResponsibility: number;
    underpaid?: number;
    duplicatePayment?: number;
  }[];
  creditBalances: { creditBalanceId: string; claimId: string; party: string; amount: number; reason: string }[];
  unmatched: { patientControlNumber: string; disagrees: string; reason: string; claimId?: string }[];
  providerAdjustments: number;
}

export function remittancePages(app: Hono<WebEnv>) {
  const remittanceList = async (c: WebContext, failed?: Failed) => {
    const ctx = c.get('page');
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const answer = await c.get('api').get<{ remittances: Remittance[]; page: ListPage }>('/remittances', { limit: pageSize, offset });
    if (!answer.ok) return page(c, layout(ctx, 'Remittances', '/app/remittances', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const errors = failed?.errors;
    const body = html`${notice(c)}
      <h2>Upload an 835</h2>
      ${errorSummary(errors, ['file', 'x12'])}
      ${form(
        ctx,
        '/app/remittances',
        html`<div class="field ${errors?.byField.file ? 'invalid' : ''}">
            <label for="era-file">835 file</label>
            <input
              id="era-file"
              type="file"
              name="file"
              accept=".x12,.835,.edi,.txt,text/plain"
              aria-describedby="era-file-hint${errors?.byField.file ? ' era-file-error' : ''}"
              ${errors?.byField.file ? raw('aria-invalid="true"') : ''}
            />
            <small id="era-file-hint">The file the payer sent (005010X221A1), or paste its text below</small>
            ${errors?.byField.file ? html`<p class="field-error" id="era-file-error">${errors.byField.file.join('; ')}</p>` : ''}
          </div>
          ${field({ form: 'era', name: 'x12', label: 'Or its text', type: 'textarea', value: failed?.values.x12 })}`,
        'Upload and post',
        { multipart: true },
      )}
      ${
        failed?.problems?.length
          ? html`<div class="error-summary" role="alert">
              <p>The file was not accepted; nothing was stored:</p>
              <ul>
                ${failed.problems.map((problem) => html`<li>${problem}</li>`)}
              </ul>
            </div>`
          : ''
      }
      <h2>Received</h2>
      <table>
        <thead>
          <tr>
            <th>Trace</th>
            <th>Payer</th>
            <th>Received</th>
            <th>Status</th>
            <th class="num">Payment</th>
            <th class="num">Claims posted</th>
            <th class="num">Unmatched</th>
          </tr>
        </thead>
        <tbody>
          ${noRows(answer.json.remittances, 7, 'None yet.')}
          ${answer.json.remittances.map(
            (remittance) =>
              html`<tr>
                <td><a href="/app/remittances/${remittance.remittanceId}">${remittance.traceNumber}</a></td>
                <td>${remittance.payerId ?? remittance.payerIdentifier}</td>
                <td>${moment(remittance.receivedAt, ctx.locale)} (${remittance.source})</td>
                <td>${badge(remittance.status)}</td>
                <td class="num">${dollars(remittance.paymentAmount, ctx.locale)}</td>
                <td class="num">${remittance.claims.length}</td>
                <td class="num">${remittance.unmatched.length}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${pager(answer.json.page, (next) => `/app/remittances?offset=${next}`)}`;
    return page(c, layout(ctx, 'Remittances', '/app/remittances', body), failed?.status ?? 200);
  };
  app.get('/app/remittances', (c) => remittanceList(c));
  app.post('/app/remittances', async (c) => {
    const posted = c.get('form');
    const file = posted.file;
    const fromFile = typeof file === 'object' && file !== null && file.size > 0 ? await file.text() : '';
    const content = fromFile || (typeof posted.x12 === 'string' ? posted.x12.trim() : '');
    if (!content) {
      return remittanceList(c, {
        form: 'era',
        errors: { message: 'Choose an 835 file or paste its text.', byField: { file: ['is required'] } },
        values: {},
        status: 400,
      });
    }
    const answer = await c.get('api').postText<{ remittances: { remittanceId: string }[] }>('/remittances', content, 'text/plain; charset=utf-8');
    if (answer.ok) {
      const stored = answer.json.remittances;
      const done = answer.status === 200 ? 'This 835 was received before: nothing posted again' : 'Stored: its remittance workflow is posting it';
      // A file of several remittances (checks or EFTs): the list shows them all.
      if (stored.length > 1) {
        return c.redirect(
          `/app/remittances?notice=${encodeURIComponent(`${stored.length} remittances in this file. ${done.replace('its remittance workflow is', 'their workflows are')}`)}`,
          303,
        );
      }
      return c.redirect(`/app/remittances/${stored[0].remittanceId}?notice=${encodeURIComponent(done)}`, 303);
    }
    const errors = formErrors(answer);
    const details = (answer.json as { error?: { details?: { code?: string; message?: string }[] } } | null)?.error?.details ?? [];
    const problems = details.filter((detail) => detail.code).map((detail) => `${detail.code}: ${detail.message ?? ''}`);
    return remittanceList(c, {
      form: 'era',
      errors: problems.length ? { message: errors.message, byField: {} } : errors,
      values: fromFile ? {} : textValues(posted),
      status: failedStatus(answer.status),
      problems,
    });
  });

  app.get('/app/remittances/:id', async (c) => {
    const ctx = c.get('page');
    const answer = await c.get('api').get<Remittance>(`/remittances/${pathParam(c, 'id')}`);
    if (!answer.ok) return page(c, layout(ctx, 'Remittance', '/app/remittances', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const remittance = answer.json;
    const body = html`${notice(c)}
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          ${badge(remittance.status)}${remittance.failure ? html` <span class="muted">${remittance.failure}</span>` : ''}${remittance.status !== 'posted' && remittance.status !== 'failed' ? html` <a href="/app/remittances/${remittance.remittanceId}">Reload</a>` : ''}
        </dd>
        <dt>Trace number</dt>
        <dd>${remittance.traceNumber}</dd>
        <dt>Payer</dt>
        <dd>${remittance.payerId ?? html`<span class="muted">none of ours</span>`} (TRN03 ${remittance.payerIdentifier})</dd>
        <dt>Payment</dt>
        <dd>
          ${dollars(remittance.paymentAmount, ctx.locale)}${remittance.providerAdjustments ? html`, ${remittance.providerAdjustments} provider adjustments (PLB)` : ''}
        </dd>
        <dt>Received</dt>
        <dd>${moment(remittance.receivedAt, ctx.locale)} by ${remittance.source}</dd>
        <dt>Workflow</dt>
        <dd><code>${remittance.workflowId}</code> ${workflowLink(ctx, remittanceWorkflowId(remittance.payerIdentifier, remittance.traceNumber))}</dd>
      </dl>
      <h2>Posted to claims</h2>
      <table>
        <thead>
          <tr>
            <th>Claim</th>
            <th>Outcome</th>
            <th>Level</th>
            <th class="num">Paid</th>
            <th class="num">Patient / next payer</th>
            <th>Notes</th>
          </tr>
        </thead>
        <tbody>
          ${noRows(remittance.claims, 6, html`${remittance.status === 'posted' ? 'None.' : 'Not posted yet.'}`)}
          ${remittance.claims.map(
            (claim) =>
              html`<tr>
                <td><a href="/app/claims/${claim.claimId}">${claim.claimNumber}</a></td>
                <td>${badge(claim.outcome)}</td>
                <td>${claim.level}</td>
                <td class="num">${dollars(claim.paid, ctx.locale)}</td>
                <td class="num">${dollars(claim.patientResponsibility, ctx.locale)}</td>
                <td>
                  ${claim.underpaid ? html`underpaid by ${dollars(claim.underpaid, ctx.locale)} ` : ''}${claim.duplicatePayment ? html`duplicate payment ${dollars(claim.duplicatePayment, ctx.locale)}` : ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Could not match</h2>
      <table>
        <thead>
          <tr>
            <th>Patient control number</th>
            <th>What disagreed</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          ${noRows(remittance.unmatched, 3, 'Nothing.')}
          ${remittance.unmatched.map(
            (claim) =>
              html`<tr>
                <td>
                  ${claim.claimId ? html`<a href="/app/claims/${claim.claimId}">${claim.patientControlNumber}</a>` : claim.patientControlNumber}
                </td>
                <td>${claim.disagrees}</td>
                <td>${claim.reason}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${
        remittance.creditBalances.length
          ? html`<h2>Credit balances found</h2>
              <ul>
                ${remittance.creditBalances.map((credit) => html`<li>${dollars(credit.amount, ctx.locale)} ${credit.reason} (${credit.party}) on <a href="/app/claims/${credit.claimId}">a claim</a></li>`)}
              </ul>`
          : ''
      }
      <p><a href="/app/remittances/${remittance.remittanceId}/835">The 835 as received</a></p>`;
    return page(c, layout(ctx, `Remittance ${remittance.traceNumber}`, '/app/remittances', body));
  });

  app.get('/app/remittances/:id/835', async (c) => {
    const ctx = c.get('page');
    const id = pathParam(c, 'id');
    const answer = await c.get('api').get(`/remittances/${id}/835`);
    if (!answer.ok) return page(c, layout(ctx, '835', '/app/remittances', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const terminator = answer.text.length >= 106 ? answer.text[105] : '~';
    const segments = answer.text
      .split(terminator)
      .map((segment) => segment.trim())
      .filter(Boolean);
    const body = html`<p><a href="/app/remittances/${id}">Back to the remittance</a> · ${segments.length} segments</p>
      <pre class="x12">${segments.map((segment) => `${segment}${terminator}`).join('\n')}</pre>`;
    return page(c, layout(ctx, 'The 835 as received', '/app/remittances', body));
  });
}
