/**
 * Reports (billers): A/R aging as a chart drawn on the server, and the dashboard's figures
 * (GET /reports/dashboard), each as the API computes it.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { dollars, errorSummary, formErrors, layout, type Html, type PageContext, noRows } from '../html';
import { failedStatus, page, type WebEnv } from '../respond';

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
  // A bucket can be negative (overpaid claims, credits the payer or patient is owed back): it draws no segment; the total beside the bar is net.
  const drawn = (value: number) => Math.max(0, value);
  const largest = Math.max(1, ...rows.map((row) => row.values.reduce((sum, value) => sum + drawn(value), 0)));
  const labelWidth = 340;
  const barWidth = 640;
  const rowHeight = 28;
  const height = rows.length * rowHeight + 8;
  return html`<figure>
    <svg
      class="chart"
      role="img"
      aria-label="Open balance by payer and age"
      width="100%"
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
            const width = (drawn(value) / largest) * barWidth;
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

export function reportPages(app: Hono<WebEnv>) {
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
  rate === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, numberingSystem: 'latn' }).format(rate);
const number = (value: number | null, locale: string, digits = 1) =>
  value === null ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits, numberingSystem: 'latn' }).format(value);

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
        ${noRows(figures.denials.byReason, 3, 'No denials.')}
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
        ${noRows(figures.daysOnHold, 4, 'No order is waiting.')}
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
