/**
 * Resupply (issue 13; intake runs it, billers read it): the queue of plans by status and
 * next contact (GET /resupply-plans) with the refill outreach of the last 12 months below
 * it (GET /reports/resupply-outreach), a plan's page (resupply-plan.ts) with the refill
 * answer and the plan's commands, and the form that starts a plan from a delivered order.
 */
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import {
  badge,
  countdown,
  day,
  errorSummary,
  field,
  form,
  formErrors,
  layout,
  may,
  noRows,
  notice,
  pager,
  type FormErrors,
  type Html,
  type PageContext,
} from '../html';
import {
  failedErrors,
  failedStatus,
  failedValues,
  formOptional,
  formText,
  page,
  pathParam,
  queryErrors,
  runFormCommand,
  textValues,
  type Failed,
  type FormFields,
  type ListPage,
  type WebContext,
  type WebEnv,
} from '../respond';
import type { Patient } from './order-page';
import { onItemInputs, planBody, type PlanDetail, type PlanStatus, type PlanView } from './resupply-plan';

const pageSize = 25;
const section = '/app/resupply';
const statuses: readonly PlanStatus[] = ['active', 'paused', 'held', 'stopped'];

interface OutreachMonth {
  month: string;
  confirmed: number;
  declined: number;
  noAnswer: number;
  stopped: number;
  contacts: number;
}

/** A whole number as typed, or the text when it is not one (the API says what it must be). */
const wholeOf = (typed: string): number | string => (/^\d+$/.test(typed) ? Number(typed) : typed);

/** The month `back` months before this one (UTC), written YYYY-MM. */
function monthsAgo(back: number, today = new Date()): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
}

/** A month (YYYY-MM) in the reader's words: "Mar 2026", "März 2026"; Gregorian and Latin digits, as every date of the app. */
const monthLabel = (month: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC', calendar: 'gregory', numberingSystem: 'latn' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );

function queueHref(query: { status: PlanStatus; contactBy?: string }, offset = 0): string {
  const params = new URLSearchParams({ status: query.status });
  if (query.contactBy) params.set('contactBy', query.contactBy);
  if (offset) params.set('offset', String(offset));
  return `${section}?${params}`;
}

async function outreachSection(c: WebContext, ctx: PageContext): Promise<Html> {
  const answer = await c.get('api').get<{ months: OutreachMonth[] }>('/reports/resupply-outreach', { from: monthsAgo(11), to: monthsAgo(0) });
  const heading = html`<h2>Refill outreach, last 12 months</h2>`;
  if (!answer.ok) return html`${heading}${errorSummary(formErrors(answer), [])}`;
  return html`${heading}
    <p class="muted">Refill cycles by the month their outcome was reached; contacts are the messages and call tasks of those cycles.</p>
    <table data-table="outreach">
      <thead>
        <tr>
          <th>Month</th>
          <th class="num">Confirmed</th>
          <th class="num">Declined</th>
          <th class="num">No answer</th>
          <th class="num">Stopped</th>
          <th class="num">Contacts</th>
        </tr>
      </thead>
      <tbody>
        ${answer.json.months.map(
          (row) =>
            html`<tr data-month="${row.month}">
              <td>${monthLabel(row.month, ctx.locale)}</td>
              <td class="num">${row.confirmed}</td>
              <td class="num">${row.declined}</td>
              <td class="num">${row.noAnswer}</td>
              <td class="num">${row.stopped}</td>
              <td class="num">${row.contacts}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

async function queue(c: WebContext): Promise<Response> {
  const ctx = c.get('page');
  const asked = c.req.query('status') as PlanStatus | undefined;
  const query = { status: asked && statuses.includes(asked) ? asked : 'active', contactBy: c.req.query('contactBy') || undefined } as const;
  const offset = Number(c.req.query('offset') ?? 0) || 0;
  const answer = await c.get('api').get<{ plans: PlanView[]; page: ListPage }>('/resupply-plans', { ...query, limit: pageSize, offset });
  const errors = answer.ok ? undefined : queryErrors(formErrors(answer));
  const tabs = html`<nav class="filters" aria-label="Plans by status">
    ${statuses.map(
      (status) =>
        html`<a href="${queueHref({ ...query, status })}" ${status === query.status ? raw('aria-current="page"') : ''}
          >${status[0].toUpperCase()}${status.slice(1)}</a
        >`,
    )}
  </nav>`;
  const filters = html`<form method="get" action="${section}" class="filters">
    <input type="hidden" name="status" value="${query.status}" />
    ${field({ name: 'contactBy', label: 'Next contact due by', type: 'date', value: query.contactBy }, errors)}
    <button type="submit" class="secondary">Filter</button>
  </form>`;
  if (!answer.ok) {
    return page(
      c,
      layout(ctx, 'Resupply', section, html`${errorSummary(errors, ['status', 'contactBy'])}${tabs}${filters}`),
      failedStatus(answer.status),
    );
  }
  const body = html`${notice(c)} ${tabs} ${filters}
    <table data-table="plans">
      <thead>
        <tr>
          <th>Next contact</th>
          <th>Due</th>
          <th>Device</th>
          <th>Supplies</th>
          <th>Outreach</th>
          <th>Status</th>
          <th>Plan</th>
        </tr>
      </thead>
      <tbody>
        ${noRows(answer.json.plans, 7, `No ${query.status} plans${query.contactBy ? ' with a contact due by then' : ''}.`)}
        ${answer.json.plans.map(
          (plan) =>
            html`<tr>
              <td>${plan.status === 'stopped' ? day(plan.nextContactOn, ctx.locale) : countdown(plan.nextContactOn, ctx.locale, 3)}</td>
              <td>${day(plan.nextDueOn, ctx.locale)}</td>
              <td>${plan.deviceHcpcs}</td>
              <td>${plan.items.map((item) => item.hcpcs).join(', ')}</td>
              <td>${plan.channel}${plan.optedOut ? html` ${badge('opted-out')}` : ''}</td>
              <td>${badge(plan.status)}${plan.statusReason ? html` <span class="muted">${plan.statusReason}</span>` : ''}</td>
              <td>
                <a href="${section}/${plan.id}">Plan ${plan.id.slice(0, 8)}</a> · <a href="/app/patients/${plan.patientId}">${plan.patientName}</a>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${pager(answer.json.page, (next) => queueHref(query, next))} ${await outreachSection(c, ctx)}`;
  return page(c, layout(ctx, 'Resupply', section, body));
}

// ---- a new plan, from a delivered order

const newPlanFields = ['items', 'cycleMonths', 'channel', 'contactPhone', 'contactEmail'];

/** The codes typed, in order: "A7030, A7035 a7038" → three. */
const codesOf = (typed: string) =>
  typed
    .split(/[,\s]+/)
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean);

function newPlanBody(posted: FormFields) {
  return {
    deviceOrderId: formText(posted, 'deviceOrderId'),
    items: codesOf(formText(posted, 'items')).map((hcpcs) => ({ hcpcs })),
    cycleMonths: wholeOf(formText(posted, 'cycleMonths')),
    channel: formText(posted, 'channel'),
    ...(formOptional(posted, 'contactPhone') ? { contactPhone: formText(posted, 'contactPhone') } : {}),
    ...(formOptional(posted, 'contactEmail') ? { contactEmail: formText(posted, 'contactEmail') } : {}),
  };
}

/** What the API's item fields are, said as the form has no input for them (the device order's delivery and charge are used). */
const itemFacts: Record<string, string | undefined> = { lastDeliveredOn: 'its last delivery', unitCharge: 'its charge per unit' };

/** The API's problems of items[n] (`items[0].hcpcs`, `items.0.unitCharge`) beside the one codes input, each naming its code. */
function onCodesInput(errors: FormErrors, codes: string[]): FormErrors {
  const byField: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(errors.byField)) {
    const item = /^items(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?/.exec(name);
    if (!item) {
      (byField[name] ??= []).push(...messages);
      continue;
    }
    const code = codes[Number(item[1] ?? item[2])] ?? 'an item';
    const what = item[3] ? itemFacts[item[3]] : undefined;
    (byField.items ??= []).push(...messages.map((message) => (message.startsWith(code) ? message : `${code}: ${what ? `${what} ` : ''}${message}`)));
  }
  return { message: errors.message, byField };
}

function newPlanPage(c: WebContext, failed?: Failed): Promise<Response> {
  const ctx = c.get('page');
  const values = failedValues(failed, 'new-plan');
  const errors = failedErrors(failed, 'new-plan');
  const patientId = values.patientId ?? c.req.query('patientId') ?? '';
  const deviceOrderId = values.deviceOrderId ?? c.req.query('deviceOrderId') ?? '';
  const title = 'Start a resupply plan';
  if (!patientId || !deviceOrderId) {
    const message = 'A resupply plan starts from a delivered order: open the order of the device and follow its “Start a resupply plan” link.';
    return page(c, layout(ctx, title, section, errorSummary({ message, byField: {} }, [])), 400);
  }
  const n = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
    field({ form: 'plan', name, label, value: values[name], ...extra }, errors);
  const body = html`<p>
      For the supplies of the device of <a href="/app/orders/${deviceOrderId}">order ${deviceOrderId.slice(0, 8)}</a> (<a
        href="/app/patients/${patientId}"
        >patient</a
      >): its coverage, prescriber, written order and delivery date are the plan’s.
    </p>
    ${may(ctx, 'intake') ? '' : html`<p class="muted">Intake starts resupply plans: the API will refuse this form from your role.</p>`}
    ${errorSummary(errors, newPlanFields)}
    ${form(
      ctx,
      `${section}/new`,
      html`<input type="hidden" name="patientId" value="${patientId}" />
        <input type="hidden" name="deviceOrderId" value="${deviceOrderId}" />
        ${n('items', 'Supplies (HCPCS)', { required: true, hint: 'Separated by commas: A7030, A7035, A7037, A7038' })}
        ${n('cycleMonths', 'Months of supplies each refill brings', { type: 'select', required: true, value: values.cycleMonths ?? '3', options: ['1', '2', '3'] })}
        ${n('channel', 'Contact the patient by', { type: 'select', required: true, options: ['sms', 'email', 'call'] })}
        ${n('contactPhone', 'Phone for text messages', { hint: '10 digits; the patient’s phone on file when left empty' })}
        ${n('contactEmail', 'Email address (email)')}`,
      'Start plan',
    )}`;
  return page(c, layout(ctx, title, section, body), failed?.status ?? 200);
}

// ---- a plan

async function planPage(c: WebContext, failed?: Failed): Promise<Response> {
  const ctx = c.get('page');
  const api = c.get('api');
  const answer = await api.get<PlanDetail>(`/resupply-plans/${pathParam(c, 'id')}`);
  if (!answer.ok) return page(c, layout(ctx, 'Resupply plan', section, errorSummary(formErrors(answer), [])), failedStatus(answer.status));
  const plan = answer.json;
  const patient = await api.get<Patient>(`/patients/${plan.patientId}`);
  return page(
    c,
    layout(ctx, `Resupply plan ${plan.id.slice(0, 8)}`, section, planBody(c, ctx, plan, patient.ok ? patient.json : {}, failed)),
    failed?.status ?? 200,
  );
}

/** The refill answer as POST /resupply-plans/:id/confirmations takes it: one entry per item row of the form. */
function confirmationBody(posted: FormFields) {
  const rows = Object.keys(posted)
    .map((name) => /^items\.(\d+)\.hcpcs$/.exec(name)?.[1])
    .filter((index): index is string => index !== undefined)
    .sort((a, b) => Number(a) - Number(b));
  const needed = (typed: string) => (typed === 'yes' ? true : typed === 'no' ? false : typed);
  return {
    cycle: wholeOf(formText(posted, 'cycle')),
    answeredBy: formText(posted, 'answeredBy'),
    ...(formOptional(posted, 'caregiverRelationship') ? { caregiverRelationship: formText(posted, 'caregiverRelationship') } : {}),
    channel: formText(posted, 'channel'),
    ...(formOptional(posted, 'answeredOn') ? { answeredOn: formText(posted, 'answeredOn') } : {}),
    items: rows.map((index) => {
      const text = (name: string) => formText(posted, `items.${index}.${name}`);
      return {
        hcpcs: text('hcpcs'),
        needed: needed(text('needed')),
        ...(text('quantityOnHand') ? { quantityOnHand: wholeOf(text('quantityOnHand')) } : {}),
        ...(text('condition') ? { condition: text('condition') } : {}),
        ...(text('quantity') ? { quantity: wholeOf(text('quantity')) } : {}),
      };
    }),
  };
}

export function resupplyPages(app: Hono<WebEnv>) {
  app.get(section, (c) => queue(c));

  app.get(`${section}/new`, (c) => newPlanPage(c));
  app.post(`${section}/new`, async (c) => {
    const posted = c.get('form');
    const body = newPlanBody(posted);
    const patientId = encodeURIComponent(formText(posted, 'patientId'));
    const answer = await c.get('api').post<{ planId: string }>(`/patients/${patientId}/resupply-plans`, body);
    if (answer.ok) {
      const done = 'Resupply plan started: its workflow opens the first refill cycle';
      return c.redirect(`${section}/${encodeURIComponent(answer.json.planId)}?notice=${encodeURIComponent(done)}`, 303);
    }
    const errors = onCodesInput(
      formErrors(answer),
      body.items.map((item) => item.hcpcs),
    );
    return newPlanPage(c, { form: 'new-plan', errors, values: textValues(posted), status: failedStatus(answer.status) });
  });

  app.get(`${section}/:id`, (c) => planPage(c));

  /** A command of the plan page: sent to the API, then back to the page (or the page again with the errors beside their fields). */
  const command = (path: string, formName: string, body: (posted: FormFields) => unknown, done: string) =>
    app.post(`${section}/:id/${path}`, async (c) => {
      const id = pathParam(c, 'id');
      const result = await runFormCommand(
        c,
        formName,
        () => c.get('api').post(`/resupply-plans/${id}/${path}`, body(c.get('form'))),
        `${section}/${id}`,
        done,
      );
      if (result instanceof Response) return result;
      return planPage(c, formName === 'confirm' ? { ...result, errors: onItemInputs(result.errors) } : result);
    });

  command('confirmations', 'confirm', confirmationBody, 'Refill answer recorded');
  command(
    'hold',
    'hold',
    (posted) => ({ reason: formText(posted, 'reason'), ...(formOptional(posted, 'until') ? { until: formText(posted, 'until') } : {}) }),
    'Outreach held',
  );
  command('resume', 'resume', () => ({}), 'Outreach resumed');
  command('stop', 'stop', (posted) => ({ reason: formText(posted, 'reason') }), 'Resupply plan stopped');
  command('opt-out', 'opt-out', () => ({}), 'Opt-out recorded: staff call from now on');
}
