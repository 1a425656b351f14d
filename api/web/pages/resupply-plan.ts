/**
 * A resupply plan's page (GET /resupply-plans/:id): its facts, its supplies, the refill
 * cycles with each one's refill record, the answer form of the cycle that is open, and
 * the hold, resume, stop and opt-out forms, each shown to the role the API lets send it.
 */
import { html } from 'hono/html';
import { catalogEntry, defaultCatalog } from '../../../domain/catalog';
import { caregiverRelationships, defaultResupplyPolicy, isConsumable } from '../../../domain/resupply';
import {
  badge,
  countdown,
  day,
  dollars,
  errorSummary,
  field,
  form,
  may,
  moment,
  noRows,
  notice,
  workflowLink,
  type FormErrors,
  type Html,
  type PageContext,
} from '../html';
import { failedErrors, failedValues, type Failed, type WebContext } from '../respond';
import type { Patient } from './order-page';

export type PlanStatus = 'active' | 'paused' | 'held' | 'stopped';

export interface PlanView {
  id: string;
  patientId: string;
  patientName: string;
  workflowId: string;
  deviceOrderId: string | null;
  deviceHcpcs: string;
  coverageId: string;
  cycleMonths: number;
  channel: 'sms' | 'email' | 'call';
  optedOut: boolean;
  status: PlanStatus;
  statusReason: string | null;
  nextDueOn: string | null;
  nextContactOn: string | null;
  items: { hcpcs: string; lastDeliveredOn: string; unitCharge: number }[];
  createdBy: string;
  createdAt: string;
}

export interface CycleView {
  cycle: number;
  dueOn: string;
  contactOpensOn: string;
  earliestShipOn: string;
  hcpcs: string[];
  outcome: 'open' | 'confirmed' | 'declined' | 'no-answer' | 'stopped';
  attempts: number;
  lastContactAt: string | null;
  orderId: string | null;
  closedOn: string | null;
  confirmation: Record<string, unknown> | null;
}

export type PlanDetail = PlanView & { cycles: CycleView[] };

/** The refill record as the workflow stores it (RefillConfirmed with the day it was answered and the shipping window). */
interface RefillRecord {
  user?: string;
  answeredBy?: string;
  caregiverRelationship?: string;
  channel?: string;
  answeredOn?: string;
  shipNotBefore?: string;
  shipBy?: string;
  items?: { hcpcs?: string; needed?: boolean; quantityOnHand?: number; condition?: string; quantity?: number }[];
}

const holdReasons = ['inpatient-stay', 'patient-request', 'other'] as const;
const stopReasons = ['patient-request', 'no-longer-needed', 'other'] as const;
const answerChannels = ['phone', 'sms', 'email', 'in-person', 'portal'] as const;
const conditions = ['functional', 'worn', 'damaged'] as const;

/**
 * The cycle a refill answer is recorded for: the open one, or the one that went unanswered
 * while the plan is paused for it (an answer reopens it); none while the plan is held or stopped.
 */
function answerableCycle(plan: PlanDetail): CycleView | undefined {
  if (plan.status === 'held' || plan.status === 'stopped') return undefined;
  return [...plan.cycles].reverse().find((cycle) => cycle.outcome === 'open' || (cycle.outcome === 'no-answer' && plan.status === 'paused'));
}

const describe = (hcpcs: string) => catalogEntry(defaultCatalog, hcpcs)?.description ?? '';

/**
 * The API names an item's problem `items[0].condition` (the rule) or `items.0.condition`
 * (the schema); the form's inputs are named the second way, so both land beside them.
 */
export function onItemInputs(errors: FormErrors): FormErrors {
  const byField: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(errors.byField)) {
    const moved = name.replace(/^items\[(\d+)\]/, 'items.$1');
    (byField[moved] ??= []).push(
      ...(/\.needed$/.test(moved) ? messages.map((message) => message.replace('must be true or false', 'choose yes or no')) : messages),
    );
  }
  return { message: errors.message, byField };
}

function refillRecord(record: Record<string, unknown> | null, ctx: PageContext): Html {
  if (!record) return html`—`;
  const refill = record as RefillRecord;
  const who =
    refill.answeredBy === 'caregiver' ? `caregiver (${refill.caregiverRelationship ?? 'relationship not recorded'})` : (refill.answeredBy ?? '—');
  return html`<p>
      Answered by ${who} by ${refill.channel ?? '—'}, ${day(refill.answeredOn, ctx.locale)}${refill.user ? `, recorded by ${refill.user}` : ''}
      ${refill.shipNotBefore ? html`<br />Ship ${day(refill.shipNotBefore, ctx.locale)} – ${day(refill.shipBy, ctx.locale)}` : ''}
    </p>
    <table>
      <thead>
        <tr>
          <th>Item</th>
          <th>Needed</th>
          <th class="num">On hand</th>
          <th>Condition</th>
          <th class="num">Quantity</th>
        </tr>
      </thead>
      <tbody>
        ${(refill.items ?? []).map(
          (item) =>
            html`<tr>
              <td>${item.hcpcs ?? '—'}</td>
              <td>${item.needed === true ? 'yes' : item.needed === false ? 'no' : '—'}</td>
              <td class="num">${item.quantityOnHand ?? '—'}</td>
              <td>${item.condition ?? '—'}</td>
              <td class="num">${item.quantity ?? (item.needed ? 'full refill' : '—')}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function cyclesTable(plan: PlanDetail, ctx: PageContext): Html {
  return html`<table data-table="cycles">
    <thead>
      <tr>
        <th class="num">Cycle</th>
        <th>Due</th>
        <th>Outreach opens</th>
        <th>Ships from</th>
        <th>Items</th>
        <th>Outcome</th>
        <th class="num">Contacts</th>
        <th>Last contact</th>
        <th>Order</th>
        <th>Refill record</th>
      </tr>
    </thead>
    <tbody>
      ${noRows(plan.cycles, 10, 'No refill cycle yet: the workflow opens the first one.')}
      ${plan.cycles.map(
        (cycle) =>
          html`<tr data-cycle="${cycle.cycle}">
            <td class="num">${cycle.cycle}</td>
            <td>${day(cycle.dueOn, ctx.locale)}</td>
            <td>${day(cycle.contactOpensOn, ctx.locale)}</td>
            <td>${day(cycle.earliestShipOn, ctx.locale)}</td>
            <td>${cycle.hcpcs.join(', ')}</td>
            <td>${badge(cycle.outcome)}${cycle.closedOn ? html` <span class="muted">${day(cycle.closedOn, ctx.locale)}</span>` : ''}</td>
            <td class="num">${cycle.attempts}</td>
            <td>${moment(cycle.lastContactAt, ctx.locale)}</td>
            <td>${cycle.orderId ? html`<a href="/app/orders/${cycle.orderId}">Order ${cycle.orderId.slice(0, 8)}</a>` : '—'}</td>
            <td>${refillRecord(cycle.confirmation, ctx)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The inputs of the answer form, for the summary to leave their messages beside them. */
const answerFields = (cycle: CycleView) => [
  'answeredBy',
  'caregiverRelationship',
  'channel',
  'answeredOn',
  ...cycle.hcpcs.flatMap((_, index) => ['needed', 'quantityOnHand', 'condition', 'quantity'].map((name) => `items.${index}.${name}`)),
];

function answerForm(ctx: PageContext, base: string, cycle: CycleView, failed?: Failed): Html {
  const errors = failedErrors(failed, 'confirm');
  const values = failedValues(failed, 'confirm');
  const a = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
    field({ form: 'refill', name, label, value: values[name], ...extra }, errors);
  return html`<h2>Record the refill answer (cycle ${cycle.cycle})</h2>
    <p class="muted">
      Only the patient or a caregiver asks for a refill, no sooner than ${defaultResupplyPolicy.contactDaysBeforeShipping} days before it ships (PIM
      ch. 5 §5.2.6): record for each item due whether it is needed, how many remain of a used-up supply and whether a mask, cushion or tubing still
      works.
    </p>
    ${errorSummary(errors, answerFields(cycle))}
    ${form(
      ctx,
      `${base}/confirmations`,
      html`<input type="hidden" name="cycle" value="${cycle.cycle}" /> ${cycle.hcpcs.map((hcpcs, index) => {
          const entry = catalogEntry(defaultCatalog, hcpcs);
          const consumable = entry ? isConsumable(entry) : false;
          return html`<fieldset>
            <legend>${hcpcs} ${describe(hcpcs)}</legend>
            <input type="hidden" name="items.${index}.hcpcs" value="${hcpcs}" />
            ${a(`items.${index}.needed`, 'Needed now', { type: 'select', required: true, options: ['yes', 'no'] })}
            ${a(`items.${index}.quantityOnHand`, 'Quantity on hand', { type: 'number', required: consumable, hint: consumable ? 'Used up: how many the patient still has' : undefined })}
            ${a(`items.${index}.condition`, 'Condition', { type: 'select', options: conditions, hint: consumable ? undefined : 'Replaced only when it no longer works' })}
            ${a(`items.${index}.quantity`, 'Quantity', { type: 'number', hint: 'Leave empty for a full refill (less what is on hand)' })}
          </fieldset>`;
        })}
        ${a('answeredBy', 'Answered by', { type: 'select', required: true, options: ['patient', 'caregiver'] })}
        ${a('caregiverRelationship', 'Caregiver’s relationship to the patient', { type: 'select', options: caregiverRelationships, hint: 'A caregiver’s answer only; never supplier staff' })}
        ${a('channel', 'Answered by way of', { type: 'select', required: true, options: answerChannels })}
        ${a('answeredOn', 'Answered on', { type: 'date', hint: 'Leave empty for today; the 14 days before shipping run from this day' })}`,
      'Record answer',
    )}`;
}

/** Hold, resume, stop and opt out: each where the plan's status lets it apply. */
function planCommands(ctx: PageContext, base: string, plan: PlanDetail, failed?: Failed): { html: Html; shown: string[] } {
  const errorsOf = (name: string) => failedErrors(failed, name);
  const valuesOf = (name: string) => failedValues(failed, name);
  const sections: { name: string; applies: boolean; body: Html }[] = [
    {
      name: 'hold',
      applies: plan.status === 'active' || plan.status === 'paused',
      body: html`<details ${errorsOf('hold') ? html`open` : ''}>
        <summary>Hold outreach…</summary>
        ${errorSummary(errorsOf('hold'), ['reason', 'until'])}
        ${form(
          ctx,
          `${base}/hold`,
          html`${field({ form: 'hold', name: 'reason', label: 'Why', type: 'select', required: true, value: valuesOf('hold').reason, options: holdReasons }, errorsOf('hold'))}
          ${field({ form: 'hold', name: 'until', label: 'Until (optional)', type: 'date', value: valuesOf('hold').until, hint: 'Outreach resumes by itself on this day' }, errorsOf('hold'))}`,
          'Hold plan',
        )}
      </details>`,
    },
    {
      name: 'resume',
      applies: plan.status === 'held' || plan.status === 'paused',
      body: html`${errorSummary(errorsOf('resume'), [])} ${form(ctx, `${base}/resume`, html``, 'Resume outreach', { className: 'inline' })}`,
    },
    {
      name: 'opt-out',
      applies: plan.status !== 'stopped' && !plan.optedOut,
      body: html`${errorSummary(errorsOf('opt-out'), [])}
      ${form(ctx, `${base}/opt-out`, html``, 'Patient opts out of messages', { className: 'inline', label: 'The patient opts out of messages: staff call instead' })}`,
    },
    {
      name: 'stop',
      applies: plan.status !== 'stopped',
      body: html`<details ${errorsOf('stop') ? html`open` : ''}>
        <summary>Stop the plan…</summary>
        ${errorSummary(errorsOf('stop'), ['reason'])}
        ${form(
          ctx,
          `${base}/stop`,
          field(
            { form: 'stop', name: 'reason', label: 'Why', type: 'select', required: true, value: valuesOf('stop').reason, options: stopReasons },
            errorsOf('stop'),
          ),
          'Stop plan',
        )}
      </details>`,
    },
  ];
  const shown = may(ctx, 'intake') ? sections.filter((section) => section.applies) : [];
  return {
    html: shown.length
      ? html`<h2>Outreach</h2>
          ${shown.map((section) => html`<div>${section.body}</div>`)}`
      : html``,
    shown: shown.map((section) => section.name),
  };
}

export function planBody(c: WebContext, ctx: PageContext, plan: PlanDetail, patient: Patient, failed?: Failed): Html {
  const base = `/app/resupply/${plan.id}`;
  const name = [patient.firstName, patient.lastName].filter(Boolean).join(' ');
  const open = answerableCycle(plan);
  const answering = open && may(ctx, 'intake') ? answerForm(ctx, base, open, failed) : html``;
  const commands = planCommands(ctx, base, plan, failed);
  const shown = new Set([...(open && may(ctx, 'intake') ? ['confirm'] : []), ...commands.shown]);
  const heldNote =
    plan.status === 'held' && plan.cycles.some((cycle) => cycle.outcome === 'open')
      ? html`<p class="muted">The plan is on hold: resume it to record a refill answer.</p>`
      : '';
  return html`${notice(c)} ${failed && !shown.has(failed.form) ? errorSummary(failed.errors, []) : ''}
    <dl class="facts">
      <dt>Patient</dt>
      <dd>
        <a href="/app/patients/${plan.patientId}">${name || 'Patient'}</a
        >${patient.birthDate ? html`, born ${day(patient.birthDate, ctx.locale)}` : ''}
      </dd>
      <dt>Status</dt>
      <dd>${badge(plan.status)}${plan.statusReason ? html` <span class="muted">${plan.statusReason}</span>` : ''}</dd>
      <dt>Device</dt>
      <dd>
        ${plan.deviceHcpcs}
        ${describe(plan.deviceHcpcs)}${plan.deviceOrderId ? html` (<a href="/app/orders/${plan.deviceOrderId}">device order</a>)` : ''}
      </dd>
      <dt>Each refill</dt>
      <dd>${plan.cycleMonths} month${plan.cycleMonths === 1 ? '' : 's'} of supplies</dd>
      <dt>Outreach by</dt>
      <dd>${plan.channel}${plan.optedOut ? html` ${badge('opted-out')} <span class="muted">staff call instead</span>` : ''}</dd>
      <dt>Next due</dt>
      <dd>${day(plan.nextDueOn, ctx.locale)}</dd>
      <dt>Next contact</dt>
      <dd>${plan.status === 'stopped' ? day(plan.nextContactOn, ctx.locale) : countdown(plan.nextContactOn, ctx.locale, 3)}</dd>
      <dt>Started</dt>
      <dd>${moment(plan.createdAt, ctx.locale)} by ${plan.createdBy}</dd>
      <dt>Workflow</dt>
      <dd><code>${plan.workflowId}</code> ${workflowLink(ctx, plan.workflowId)}</dd>
    </dl>
    <h2>Supplies</h2>
    <table data-table="items">
      <thead>
        <tr>
          <th>Item</th>
          <th>Description</th>
          <th>Last delivered</th>
          ${may(ctx, 'biller') ? html`<th class="num">Charge per unit</th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${plan.items.map(
          (item) =>
            html`<tr>
              <td>${item.hcpcs}</td>
              <td>${describe(item.hcpcs)}</td>
              <td>${day(item.lastDeliveredOn, ctx.locale)}</td>
              ${may(ctx, 'biller') ? html`<td class="num">${dollars(item.unitCharge, ctx.locale)}</td>` : ''}
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Refill cycles</h2>
    ${cyclesTable(plan, ctx)} ${heldNote} ${answering} ${commands.html}`;
}
