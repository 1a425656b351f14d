/**
 * The new-order form of the patient's page and the POST /orders body it makes: up to three
 * items with the facts that set their modifiers, amounts typed in dollars, and oxygen's
 * prescription and qualification; the API's item errors moved back to the form rows.
 */
import { html } from 'hono/html';
import { groupIIConditions, groupIIIConditions } from '../../../domain/oxygen';
import { errorSummary, field, form, type FormErrors, type Html, type PageContext } from '../html';
import { failedErrors, failedValues, formOptional, formText, inDollars, type Failed, type FormFields } from '../respond';

const itemRows = 3;

const oxygenFields = [
  'oxygen.flowLpm',
  'oxygen.portable',
  'oxygen.qualification.group',
  'oxygen.qualification.testType',
  'oxygen.qualification.testDate',
  'oxygen.qualification.result.pao2MmHg',
  'oxygen.qualification.result.saturationPercent',
  'oxygen.qualification.condition',
  'oxygen.qualification.inpatientDischargeDate',
];

/**
 * Every input the form has: the API's messages for these (and what lies below them) sit beside
 * them; a message for anything else — the oxygen prescription as a whole, an item as a whole,
 * the list of items — is listed above the form, so none is lost.
 */
const renderedFields = [
  'coverageId',
  'prescriber.npi',
  'prescriber.firstName',
  'prescriber.lastName',
  'orderDate',
  'diagnoses',
  ...Array.from({ length: itemRows }, (_, index) =>
    ['hcpcs', 'quantity', 'acquisition', 'side', 'unitCharge'].map((name) => `items.${index}.${name}`),
  ).flat(),
  ...oxygenFields,
];

/** Dollars as typed ("150", "1,234.50", "$12.5") to cents; the text itself when it is not an amount, so the API names the field. */
export function centsOf(typed: string): number | string {
  const trimmed = typed.replace(/[$\s]/g, '');
  // 1.234,50 and 12,5 as written where the comma is the decimal mark; 1,234.50 where it groups thousands.
  const commaDecimal = /^\d{1,3}(\.\d{3})*,\d{1,2}$|^\d+,\d{1,2}$/.test(trimmed);
  const plain = commaDecimal ? trimmed.replace(/\./g, '').replace(',', '.') : trimmed.replace(/,/g, '');
  if (!/^(\d+(\.\d{0,2})?|\.\d{1,2})$/.test(plain)) return typed;
  const [whole, fraction = ''] = plain.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  // Beyond what a number holds exactly, still far beyond every ceiling: the API answers with its limit.
  return Number.isSafeInteger(cents) ? cents : Number.MAX_SAFE_INTEGER;
}

/** The facts of an item that change its modifiers (domain/coding.ts), one checkbox each. */
const itemFlags = [
  { name: 'used', label: 'Used equipment (UE, not NU)' },
  { name: 'replacement', label: 'Replacement (RA)' },
  { name: 'abnOnFile', label: 'ABN signed (GA)' },
  { name: 'denialExpected', label: 'Expected to be denied, no ABN needed (GZ)' },
  { name: 'insulinTreated', label: 'Insulin-treated (glucose monitor supplies: KS without)' },
  { name: 'hospiceUnrelated', label: 'Unrelated to a hospice terminal condition (GW)' },
] as const;

/** A number as typed (decimals allowed), or the text when it is not one. */
const numberOf = (typed: string): number | string => {
  // ".5" and "0,5" (a decimal comma) are how a flow under 1 L/min is typed.
  const plain = typed.replace(',', '.');
  return /^(\d+(\.\d+)?|\.\d+)$/.test(plain) ? Number(plain) : typed;
};

/**
 * The order's oxygen prescription and the patient's qualification (LCD L33797), sent only
 * when a flow is typed: the API refuses oxygen equipment without it, and it without oxygen equipment.
 */
function oxygenOf(posted: FormFields): { oxygen?: Record<string, unknown> } {
  if (!formText(posted, 'oxygen.flowLpm')) return {};
  const result = (name: string) =>
    formText(posted, `oxygen.qualification.result.${name}`) ? { [name]: wholeOf(formText(posted, `oxygen.qualification.result.${name}`)) } : {};
  return {
    oxygen: {
      flowLpm: numberOf(formText(posted, 'oxygen.flowLpm')),
      portable: formText(posted, 'oxygen.portable') === 'true',
      qualification: {
        group: formText(posted, 'oxygen.qualification.group'),
        testType: formText(posted, 'oxygen.qualification.testType'),
        testDate: formText(posted, 'oxygen.qualification.testDate'),
        result: { ...result('pao2MmHg'), ...result('saturationPercent') },
        ...(formOptional(posted, 'oxygen.qualification.condition') ? { condition: formText(posted, 'oxygen.qualification.condition') } : {}),
        ...(formOptional(posted, 'oxygen.qualification.inpatientDischargeDate')
          ? { inpatientDischargeDate: formText(posted, 'oxygen.qualification.inpatientDischargeDate') }
          : {}),
      },
    },
  };
}

/** A whole number as typed, or the text when it is not one (the API says what it must be). */
const wholeOf = (typed: string): number | string => (/^\d+$/.test(typed) ? Number(typed) : typed);

/** The POST /orders body of the form; `rows[n]` is the form row of the API's items.n (rows left empty are not sent). */
export function newOrderBody(posted: FormFields, patientId: string): { body: Record<string, unknown>; rows: number[] } {
  const rows = Array.from({ length: itemRows }, (_, index) => index).filter((index) => formText(posted, `items.${index}.hcpcs`));
  const items = rows.map((index) => ({
    hcpcs: formText(posted, `items.${index}.hcpcs`),
    quantity: wholeOf(formText(posted, `items.${index}.quantity`) || '1'),
    acquisition: formText(posted, `items.${index}.acquisition`),
    ...(formOptional(posted, `items.${index}.side`) ? { side: formText(posted, `items.${index}.side`) } : {}),
    unitCharge: centsOf(formText(posted, `items.${index}.unitCharge`)),
    ...Object.fromEntries(itemFlags.filter(({ name }) => formText(posted, `items.${index}.${name}`)).map(({ name }) => [name, true])),
  }));
  const body = {
    patientId,
    coverageId: formText(posted, 'coverageId'),
    prescriber: {
      npi: formText(posted, 'prescriber.npi'),
      firstName: formText(posted, 'prescriber.firstName'),
      lastName: formText(posted, 'prescriber.lastName'),
    },
    orderDate: formText(posted, 'orderDate'),
    diagnoses: formText(posted, 'diagnoses')
      .split(/[,\s]+/)
      .filter(Boolean),
    items,
    ...oxygenOf(posted),
  };
  return { body, rows };
}

/**
 * The API's item errors moved to the form rows they came from, and its word for a charge
 * (whole cents) said in the form's (dollars).
 */
export function onFormRows(errors: FormErrors, rows: number[]): FormErrors {
  const byField: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(errors.byField)) {
    const moved = field.replace(/^items\.(\d+)\./, (whole, index: string) =>
      rows[Number(index)] === undefined ? whole : `items.${rows[Number(index)]}.`,
    );
    byField[moved] = /\.unitCharge$/.test(moved) ? messages.map((message) => inDollars(message, '150.00')) : messages;
  }
  return { message: errors.message, byField };
}

/** The form, filled with what was typed when the API refused it, its messages beside their fields. */
export function newOrderForm(
  ctx: PageContext,
  action: string,
  coverages: { id: string; payerId: string; priority: string }[],
  failed?: Failed,
): Html {
  const orderErrors = failedErrors(failed, 'order');
  const orderValues = failedValues(failed, 'order');
  const o = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
    field({ form: 'order', name, label, value: orderValues[name], ...extra }, orderErrors);
  return html`<h2>New order</h2>
    ${errorSummary(orderErrors, renderedFields)}
    ${form(
      ctx,
      action,
      html`${o('coverageId', 'Bill to', {
          ...(coverages.length === 1 && !orderValues.coverageId ? { value: coverages[0].id } : {}),
          type: 'select',
          required: true,
          options: coverages.map((coverage) => ({ value: coverage.id, label: `${coverage.payerId} (${coverage.priority})` })),
        })}
        ${o('prescriber.npi', 'Prescriber NPI', { required: true })} ${o('prescriber.firstName', 'Prescriber first name', { required: true })}
        ${o('prescriber.lastName', 'Prescriber last name', { required: true })} ${o('orderDate', 'Order date', { type: 'date', required: true })}
        ${o('diagnoses', 'Diagnoses (ICD-10-CM)', { required: true, hint: 'Principal first, separated by commas: G47.33, E66.9' })}
        ${Array.from(
          { length: itemRows },
          (_, index) =>
            html`<fieldset>
              <legend>Item ${index + 1}${index > 0 ? ' (optional)' : ''}</legend>
              ${o(`items.${index}.hcpcs`, 'HCPCS', { required: index === 0, hint: index === 0 ? 'E0601 CPAP, E0143 walker, L1833 knee orthosis…' : undefined })}
              ${o(`items.${index}.quantity`, 'Quantity (per side for a sided item)', { type: 'number' })}
              ${o(`items.${index}.acquisition`, 'Acquisition', { type: 'select', options: ['purchase', 'rental'] })}
              ${o(`items.${index}.side`, 'Side', { type: 'select', options: ['LT', 'RT', 'bilateral'] })}
              ${o(`items.${index}.unitCharge`, 'Charge per unit (per month for a rental), dollars', { hint: 'e.g. 150.00' })}
              <div class="options">${itemFlags.map(({ name, label }) => o(`items.${index}.${name}`, label, { type: 'checkbox' }))}</div>
            </fieldset>`,
        )}
        <fieldset>
          <legend>Oxygen prescription and qualification (with oxygen equipment only)</legend>
          ${o('oxygen.flowLpm', 'Prescribed flow at rest, litres per minute', { hint: 'Where day and night flows differ, their average (42 CFR 414.226(e))' })}
          ${o('oxygen.portable', 'A portable system is prescribed (order E0431 or E0434 too)', { type: 'checkbox' })}
          ${o('oxygen.qualification.group', 'Coverage group (LCD L33797)', { type: 'select', options: ['I', 'II', 'III'] })}
          ${o('oxygen.qualification.testType', 'Qualifying test', { type: 'select', options: ['arterial-blood-gas', 'oximetry'] })}
          ${o('oxygen.qualification.testDate', 'Test date', { type: 'date' })}
          ${o('oxygen.qualification.result.pao2MmHg', 'PaO2, mm Hg (blood gas)', { type: 'number' })}
          ${o('oxygen.qualification.result.saturationPercent', 'Saturation, percent', { type: 'number' })}
          ${o('oxygen.qualification.condition', 'Condition (group II or III)', { type: 'select', options: [...groupIIConditions, ...groupIIIConditions] })}
          ${o('oxygen.qualification.inpatientDischargeDate', 'Tested in hospital: discharge date', { type: 'date' })}
        </fieldset>`,
      'Enter order',
    )}`;
}
