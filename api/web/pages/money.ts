/**
 * The billers' money pages: remittances (upload an 835, see what it posted and what it
 * could not match, the file as text), credit balances with their 60-day countdown and
 * resolution, A/R aging as a chart, and the dashboard's figures (GET /reports/dashboard).
 */
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { remittanceWorkflowId } from '../../../workflows/definitions';
import {
  badge,
  countdown,
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
  type Html,
  type PageContext,
} from '../html';
import { failedStatus, page, runFormCommand, textValues, type Failed, type WebContext, type WebEnv } from '../respond';

const pageSize = 25;

interface Page {
  limit: number;
  offset: number;
  total: number;
}

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

/** One colour per age bucket, young to old; the legend's swatches are the same colours by class (the CSP allows no inline style). */
const agingColours = ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#7f3b8f'];

/** A stacked bar per payer: its open balance in each age bucket, drawn as SVG on the server (no script). */
export function agingChart(
  buckets: readonly string[],
  payers: { payerName: string; buckets: Record<string, { payerBalance: number; patientBalance: number }> }[],
  locale: string,
): Html {
  const rows = payers.map((payer) => ({
    name: payer.payerName,
    values: buckets.map((bucket) => (payer.buckets[bucket]?.payerBalance ?? 0) + (payer.buckets[bucket]?.patientBalance ?? 0)),
  }));
  const largest = Math.max(1, ...rows.map((row) => row.values.reduce((sum, value) => sum + value, 0)));
  const labelWidth = 340;
  const barWidth = 640;
  const rowHeight = 28;
  const height = rows.length * rowHeight + 8;
  return html`<figure>
    <svg
      class="chart"
      role="img"
      aria-label="Open balance by payer and age"
      width="${labelWidth + barWidth + 120}"
      height="${height}"
      viewBox="0 0 ${labelWidth + barWidth + 120} ${height}"
    >
      ${rows.map((row, index) => {
        const y = index * rowHeight + 4;
        let x = labelWidth;
        const total = row.values.reduce((sum, value) => sum + value, 0);
        return html`<g>
          <text x="0" y="${y + 16}">${row.name}</text>
          ${row.values.map((value, bucket) => {
            const width = (value / largest) * barWidth;
            const rect = html`<rect
              x="${x.toFixed(1)}"
              y="${y}"
              width="${width.toFixed(1)}"
              height="20"
              fill="${agingColours[bucket % agingColours.length]}"
              ><title>${buckets[bucket]} days: ${dollars(value, locale)}</title></rect
            >`;
            x += width;
            return rect;
          })}
          <text x="${(x + 6).toFixed(1)}" y="${y + 16}">${dollars(total, locale)}</text>
        </g>`;
      })}
    </svg>
    <figcaption class="legend">
      ${buckets.map((bucket, index) => html`<span class="swatch-${index % agingColours.length}">${bucket} days</span>`)}
    </figcaption>
  </figure>`;
}

export function moneyPages(app: Hono<WebEnv>) {
  // ---- remittances
  const remittanceList = async (c: WebContext, failed?: Failed) => {
    const ctx = c.get('page');
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const answer = await c.get('api').get<{ remittances: Remittance[]; page: Page }>('/remittances', { limit: pageSize, offset });
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
            <input id="era-file" type="file" name="file" accept=".x12,.835,.edi,.txt,text/plain" />
            <small>The file the payer sent (005010X221A1), or paste its text below</small>
            ${errors?.byField.file ? html`<p class="field-error">${errors.byField.file.join('; ')}</p>` : ''}
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
          ${
            answer.json.remittances.length === 0
              ? html`<tr>
                  <td colspan="7" class="muted">None yet.</td>
                </tr>`
              : ''
          }
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
      const [first] = answer.json.remittances;
      const done = answer.status === 200 ? 'This 835 was received before: nothing posted again' : 'Stored: its remittance workflow is posting it';
      return c.redirect(`/app/remittances/${first.remittanceId}?notice=${encodeURIComponent(done)}`, 303);
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
    const id = c.req.param('id');
    const answer = await c.get('api').get<Remittance>(`/remittances/${encodeURIComponent(id)}`);
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
          ${
            remittance.claims.length === 0
              ? html`<tr>
                  <td colspan="6" class="muted">${remittance.status === 'posted' ? 'None.' : 'Not posted yet.'}</td>
                </tr>`
              : ''
          }
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
          ${
            remittance.unmatched.length === 0
              ? html`<tr>
                  <td colspan="3" class="muted">Nothing.</td>
                </tr>`
              : ''
          }
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
    const id = c.req.param('id');
    const answer = await c.get('api').get(`/remittances/${encodeURIComponent(id)}/835`);
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

  // ---- credit balances
  const creditList = async (c: WebContext, failed?: Failed) => {
    const ctx = c.get('page');
    const status = c.req.query('status') === 'resolved' ? 'resolved' : 'open';
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const answer = await c.get('api').get<{ creditBalances: CreditBalance[]; page: Page }>('/credit-balances', { status, limit: pageSize, offset });
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
    const body = html`${notice(c)} ${failed && !failed.form.startsWith('resolve-') ? errorSummary(failed.errors, []) : ''}
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
          ${
            answer.json.creditBalances.length === 0
              ? html`<tr>
                  <td colspan="8" class="muted">None.</td>
                </tr>`
              : ''
          }
          ${answer.json.creditBalances.map(
            (credit) =>
              html`<tr>
                <td><a href="/app/claims/${credit.claimId}">Claim</a></td>
                <td>${credit.payerId}</td>
                <td>${credit.party}</td>
                <td>${credit.reason}</td>
                <td class="num">${dollars(credit.amount, ctx.locale)}</td>
                <td>${moment(credit.identifiedAt, ctx.locale)}</td>
                <td>${credit.status === 'open' ? countdown(credit.deadlineOn, ctx.locale, 14) : credit.deadlineOn}</td>
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
    const id = c.req.param('id');
    const posted = c.get('form');
    const text = (name: string) => (typeof posted[name] === 'string' ? (posted[name] as string).trim() : '');
    const body = {
      resolution: text('resolution'),
      ...(text('reference') ? { reference: text('reference') } : {}),
      ...(text('targetClaimId') ? { targetClaimId: text('targetClaimId') } : {}),
      ...(text('consent') ? { consent: true } : {}),
    };
    const result = await runFormCommand(
      c,
      `resolve-${id}`,
      () => c.get('api').post(`/credit-balances/${encodeURIComponent(id)}/resolve`, body),
      '/app/credit-balances',
      'Credit balance resolved',
    );
    return result instanceof Response ? result : creditList(c, result);
  });

  // ---- A/R aging
  app.get('/app/ar-aging', async (c) => {
    const ctx = c.get('page');
    const answer = await c.get('api').get<{
      asOf: string;
      buckets: string[];
      payers: {
        payerId: string;
        payerName: string;
        buckets: Record<string, { claims: number; payerBalance: number; patientBalance: number }>;
        totals: { payerBalance: number; patientBalance: number; openClaims: number };
      }[];
      totals: { payerBalance: number; patientBalance: number; openClaims: number; charges: number };
    }>('/reports/ar-aging');
    if (!answer.ok) return page(c, layout(ctx, 'A/R aging', '/app/ar-aging', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const report = answer.json;
    const bucketTotal = (bucket: string) =>
      report.payers.reduce((sum, payer) => sum + (payer.buckets[bucket]?.payerBalance ?? 0) + (payer.buckets[bucket]?.patientBalance ?? 0), 0);
    const body = html`<p class="muted">Open balances by payer and days since the claim's first submission, as of ${report.asOf}.</p>
      ${agingChart(report.buckets, report.payers, ctx.locale)}
      <table>
        <thead>
          <tr>
            <th>Payer</th>
            ${report.buckets.map((bucket) => html`<th class="num">${bucket} days</th>`)}
            <th class="num">Payer owes</th>
            <th class="num">Patient owes</th>
            <th class="num">Open claims</th>
          </tr>
        </thead>
        <tbody>
          ${report.payers.map(
            (payer) =>
              html`<tr>
                <td>${payer.payerName}</td>
                ${report.buckets.map((bucket) => html`<td class="num">${dollars((payer.buckets[bucket]?.payerBalance ?? 0) + (payer.buckets[bucket]?.patientBalance ?? 0), ctx.locale)}</td>`)}
                <td class="num">${dollars(payer.totals.payerBalance, ctx.locale)}</td>
                <td class="num">${dollars(payer.totals.patientBalance, ctx.locale)}</td>
                <td class="num">${payer.totals.openClaims}</td>
              </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr>
            <th>Total</th>
            ${report.buckets.map((bucket) => html`<th class="num">${dollars(bucketTotal(bucket), ctx.locale)}</th>`)}
            <th class="num" data-total="payer">${dollars(report.totals.payerBalance, ctx.locale)}</th>
            <th class="num" data-total="patient">${dollars(report.totals.patientBalance, ctx.locale)}</th>
            <th class="num">${report.totals.openClaims}</th>
          </tr>
        </tfoot>
      </table>`;
    return page(c, layout(ctx, 'A/R aging', '/app/ar-aging', body));
  });

  // ---- dashboard
  app.get('/app/dashboard', async (c) => {
    const ctx = c.get('page');
    const answer = await c.get('api').get<Dashboard>('/reports/dashboard');
    if (!answer.ok) return page(c, layout(ctx, 'Dashboard', '/app/dashboard', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    return page(c, layout(ctx, 'Dashboard', '/app/dashboard', dashboardBody(ctx, answer.json)));
  });
}

interface Dashboard {
  firstPassAcceptance: { submitted: number; acceptedFirstPass: number; rate: number | null };
  denials: { adjudicated: number; denied: number; rate: number | null; byReason: { code: string; claims: number; amount: number }[] };
  daysSalesOutstanding: { openBalance: number; charges90Days: number; days: number | null };
  openOrdersByStage: { stage: string; orders: number }[];
  daysOnHold: { blockedOn: string; orders: number; averageDays: number | null; maxDays: number | null }[];
}

const percent = (rate: number | null, locale: string) =>
  rate === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
const number = (value: number | null, locale: string, digits = 1) =>
  value === null ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);

function dashboardBody(ctx: PageContext, figures: Dashboard): Html {
  const { locale } = ctx;
  return html`<div class="grid">
      <section class="card" data-figure="first-pass">
        <h2>First-pass acceptance</h2>
        <p class="figure">${percent(figures.firstPassAcceptance.rate, locale)}</p>
        <p class="muted">
          ${figures.firstPassAcceptance.acceptedFirstPass} of ${figures.firstPassAcceptance.submitted} original claims accepted on their first
          submission
        </p>
      </section>
      <section class="card" data-figure="denial-rate">
        <h2>Denial rate</h2>
        <p class="figure">${percent(figures.denials.rate, locale)}</p>
        <p class="muted">${figures.denials.denied} of ${figures.denials.adjudicated} adjudicated claims denied</p>
      </section>
      <section class="card" data-figure="dso">
        <h2>Days sales outstanding</h2>
        <p class="figure">${number(figures.daysSalesOutstanding.days, locale)}</p>
        <p class="muted">
          ${dollars(figures.daysSalesOutstanding.openBalance, locale)} open ÷ average daily charges of the last 90 days
          (${dollars(figures.daysSalesOutstanding.charges90Days, locale)})
        </p>
      </section>
    </div>
    <h2>Denials by reason</h2>
    <table data-figure="denials-by-reason">
      <thead>
        <tr>
          <th>Reason</th>
          <th class="num">Claims</th>
          <th class="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        ${
          figures.denials.byReason.length === 0
            ? html`<tr>
                <td colspan="3" class="muted">No denials.</td>
              </tr>`
            : ''
        }
        ${figures.denials.byReason.map(
          (reason) =>
            html`<tr>
              <td>${reason.code}</td>
              <td class="num">${reason.claims}</td>
              <td class="num">${dollars(reason.amount, locale)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Open orders by stage</h2>
    <table data-figure="orders-by-stage">
      <thead>
        <tr>
          <th>Stage</th>
          <th class="num">Orders</th>
        </tr>
      </thead>
      <tbody>
        ${figures.openOrdersByStage.map(
          (row) =>
            html`<tr>
              <td><a href="/app/orders?stage=${row.stage}">${row.stage}</a></td>
              <td class="num">${row.orders}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Days on hold</h2>
    <table data-figure="days-on-hold">
      <thead>
        <tr>
          <th>Waiting for</th>
          <th class="num">Orders</th>
          <th class="num">Average days</th>
          <th class="num">Longest</th>
        </tr>
      </thead>
      <tbody>
        ${
          figures.daysOnHold.length === 0
            ? html`<tr>
                <td colspan="4" class="muted">No order is waiting.</td>
              </tr>`
            : ''
        }
        ${figures.daysOnHold.map(
          (row) =>
            html`<tr>
              <td><a href="/app/orders?blockedOn=${row.blockedOn}">${row.blockedOn}</a></td>
              <td class="num">${row.orders}</td>
              <td class="num">${number(row.averageDays, locale)}</td>
              <td class="num">${number(row.maxDays, locale, 0)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
