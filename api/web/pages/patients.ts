/**
 * Intake: a new patient (POST /patients), the patient's page with the parts of the record
 * the role sees, their coverages (POST /patients/:id/coverages) and orders, and a new
 * order for them (POST /orders), oxygen's prescription and qualification included.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { badge, day, dollars, errorSummary, field, form, formErrors, layout, may, notice, type Html, type PageContext, noRows } from '../html';
import {
  failedErrors,
  failedStatus,
  failedValues,
  formOptional,
  formText,
  page,
  passFile,
  pathParam,
  textValues,
  type Failed,
  type WebContext,
  type WebEnv,
} from '../respond';
import { newOrderBody, newOrderForm, onFormRows } from './new-order';
import { matchesTable, searchPatients, type PatientMatch } from './patient-search';

interface Statement {
  id: string;
  cycle: number;
  sequence: number;
  statementOn: string;
  dueOn: string;
  amountDue: number;
}

interface Patient {
  id: string;
  shown: string[];
  firstName?: string;
  lastName?: string;
  birthDate?: string;
  sex?: string;
  address?: { line1: string; line2: string | null; city: string; state: string; zip: string };
  phone?: string | null;
  dmeMacJurisdiction?: string | null;
  coverages?: { id: string; payerId: string; memberId?: string; priority: string; effectiveFrom: string | null; effectiveTo: string | null }[];
}

async function payerOptions(c: WebContext) {
  const payers = await c.get('api').get<{ payers: { id: string; name: string }[] }>('/payers');
  return (payers.ok ? payers.json.payers : []).map((payer) => ({ value: payer.id, label: payer.name }));
}

export function patientPages(app: Hono<WebEnv>) {
  const newPatient = async (c: WebContext, failed?: Failed, sameAs: PatientMatch[] = []) => {
    const ctx = c.get('page');
    const errors = failed?.errors;
    const values = failed?.values ?? {};
    const f = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
      field({ form: 'patient', name, label, value: values[name], ...extra }, errors);
    const body = html`${errorSummary(errors, ['firstName', 'lastName', 'birthDate', 'sex', 'address.line1', 'address.city', 'address.state', 'address.zip', 'phone', 'payerId', 'memberId'])}
    ${
      sameAs.length
        ? html`<div class="error-summary" role="alert">
              <p>A patient with this name and birth date is registered already: open them, or register this one anyway.</p>
            </div>
            ${matchesTable(c, sameAs)}`
        : ''
    }
    ${form(
      ctx,
      '/app/patients',
      html`<fieldset>
          <legend>Patient</legend>
          ${f('firstName', 'First name', { required: true })} ${f('lastName', 'Last name', { required: true })}
          ${f('birthDate', 'Birth date', { type: 'date', required: true })}
          ${f('sex', 'Sex', {
            type: 'select',
            required: true,
            options: [
              { value: 'F', label: 'female' },
              { value: 'M', label: 'male' },
              { value: 'U', label: 'unknown' },
            ],
          })}
          ${f('address.line1', 'Address', { required: true })} ${f('address.city', 'City', { required: true })}
          ${f('address.state', 'State', { required: true, hint: 'Two letters, e.g. OH: it decides the Medicare DME MAC' })}
          ${f('address.zip', 'ZIP code', { required: true })} ${f('phone', 'Phone')}
        </fieldset>
        <fieldset>
          <legend>Primary coverage</legend>
          ${f('payerId', 'Payer', { type: 'select', required: true, options: await payerOptions(c) })}
          ${f('memberId', 'Member id', { required: true })}
        </fieldset>
        ${sameAs.length ? f('registerAnyway', 'This is another person: register them anyway', { type: 'checkbox' }) : ''}`,
      'Register patient',
    )}`;
    return page(c, layout(ctx, 'New patient', '/app/patients', body), failed?.status ?? 200);
  };
  app.get('/app/patients/new', (c) => newPatient(c));
  app.post('/app/patients', async (c) => {
    const posted = c.get('form');
    const api = c.get('api');
    // The same name and birth date registered already is nearly always the same person: say so before a second record.
    if (!formText(posted, 'registerAnyway') && formText(posted, 'lastName') && formText(posted, 'birthDate')) {
      const found = await searchPatients(c, {
        lastName: formText(posted, 'lastName'),
        firstName: formText(posted, 'firstName') || undefined,
        birthDate: formText(posted, 'birthDate'),
      });
      const same = found.ok
        ? found.json.patients.filter(
            (match) =>
              match.lastName.toLowerCase() === formText(posted, 'lastName').toLowerCase() &&
              match.firstName.toLowerCase() === formText(posted, 'firstName').toLowerCase(),
          )
        : [];
      if (same.length) return newPatient(c, { form: 'patient', errors: { message: '', byField: {} }, values: textValues(posted), status: 409 }, same);
    }
    const patient = await api.post<{ id: string }>('/patients', {
      firstName: formText(posted, 'firstName'),
      lastName: formText(posted, 'lastName'),
      birthDate: formText(posted, 'birthDate'),
      sex: formText(posted, 'sex'),
      address: {
        line1: formText(posted, 'address.line1'),
        city: formText(posted, 'address.city'),
        state: formText(posted, 'address.state'),
        zip: formText(posted, 'address.zip'),
      },
      ...(formOptional(posted, 'phone') ? { phone: formText(posted, 'phone') } : {}),
    });
    if (!patient.ok)
      return newPatient(c, { form: 'patient', errors: formErrors(patient), values: textValues(posted), status: failedStatus(patient.status) });
    const coverage = await api.post(`/patients/${patient.json.id}/coverages`, {
      payerId: formText(posted, 'payerId'),
      memberId: formText(posted, 'memberId'),
      priority: 'primary',
    });
    if (coverage.ok)
      return c.redirect(`/app/patients/${patient.json.id}?notice=${encodeURIComponent('Patient registered with their coverage')}`, 303);
    // The patient is stored: off to their page (a reload must not register them again), the coverage form open with the API's reason.
    const errors = formErrors(coverage);
    const reasons = Object.entries(errors.byField).map(([field, messages]) => `${field} ${messages.join('; ')}`);
    const said = `The patient is registered, but the coverage was not added: ${reasons.length ? reasons.join('; ') : errors.message}. Add it below.`;
    return c.redirect(`/app/patients/${patient.json.id}?coverage=refused&notice=${encodeURIComponent(said)}`, 303);
  });

  const show = async (c: WebContext, failed?: Failed, patientId?: string) => {
    const ctx = c.get('page');
    const id = patientId ?? pathParam(c, 'id');
    const api = c.get('api');
    const [answer, orders, statements] = await Promise.all([
      api.get<Patient>(`/patients/${id}`),
      api.get<{ orders: { id: string; stage: string; blockedOn: string | null; hcpcs: string[]; orderDate: string }[] }>('/orders', {
        patientId: id,
        limit: 100,
      }),
      may(ctx, 'biller') ? api.get<{ statements: Statement[] }>(`/patients/${id}/statements`, { limit: 100 }) : Promise.resolve(undefined),
    ]);
    if (!answer.ok) return page(c, layout(ctx, 'Patient', '/app/patients', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    const patient = answer.json;
    const name = [patient.firstName, patient.lastName].filter(Boolean).join(' ') || `Patient ${patient.id.slice(0, 8)}`;
    return page(
      c,
      layout(
        ctx,
        name,
        '/app/patients',
        await patientBody(c, ctx, patient, orders.ok ? orders.json.orders : [], statements?.ok ? statements.json.statements : [], failed),
      ),
      failed?.status ?? 200,
    );
  };
  app.get('/app/patients/:id', (c) => show(c));
  app.get('/app/statements/:id/pdf', (c) => passFile(c, `/statements/${pathParam(c, 'id')}/pdf`, 'Statement', '/app/patients'));

  // A move: the new permanent address and the day it takes effect (a rental's later months go to the new address's DME MAC).
  app.post('/app/patients/:id/addresses', async (c) => {
    const posted = c.get('form');
    const answer = await c.get('api').post(`/patients/${pathParam(c, 'id')}/addresses`, {
      line1: formText(posted, 'line1'),
      ...(formOptional(posted, 'line2') ? { line2: formText(posted, 'line2') } : {}),
      city: formText(posted, 'city'),
      state: formText(posted, 'state'),
      zip: formText(posted, 'zip'),
      effectiveOn: formText(posted, 'effectiveOn'),
    });
    if (answer.ok) return c.redirect(`/app/patients/${pathParam(c, 'id')}?notice=${encodeURIComponent('Move recorded')}`, 303);
    return show(c, { form: 'move', errors: formErrors(answer), values: textValues(posted), status: failedStatus(answer.status) });
  });

  app.post('/app/patients/:id/coverages', async (c) => {
    const posted = c.get('form');
    const answer = await c.get('api').post(`/patients/${pathParam(c, 'id')}/coverages`, {
      payerId: formText(posted, 'payerId'),
      memberId: formText(posted, 'memberId'),
      priority: formText(posted, 'priority'),
      ...(formOptional(posted, 'mspType') ? { mspType: formText(posted, 'mspType') } : {}),
      ...(formOptional(posted, 'groupNumber') ? { groupNumber: formText(posted, 'groupNumber') } : {}),
      ...(formOptional(posted, 'effectiveFrom') ? { effectiveFrom: formText(posted, 'effectiveFrom') } : {}),
      ...(formOptional(posted, 'effectiveTo') ? { effectiveTo: formText(posted, 'effectiveTo') } : {}),
      relationship: formOptional(posted, 'relationship') ?? 'self',
      // The subscriber's own name, birth date and sex when the patient is a dependant on someone else's plan.
      ...(formOptional(posted, 'relationship') && formText(posted, 'relationship') !== 'self'
        ? {
            subscriber: {
              firstName: formText(posted, 'subscriber.firstName'),
              lastName: formText(posted, 'subscriber.lastName'),
              birthDate: formText(posted, 'subscriber.birthDate'),
              sex: formText(posted, 'subscriber.sex'),
            },
          }
        : {}),
    });
    if (answer.ok) return c.redirect(`/app/patients/${pathParam(c, 'id')}?notice=${encodeURIComponent('Coverage added')}`, 303);
    return show(c, { form: 'coverage', errors: formErrors(answer), values: textValues(posted), status: failedStatus(answer.status) });
  });

  app.post('/app/patients/:id/orders', async (c) => {
    const posted = c.get('form');
    const { body, rows } = newOrderBody(posted, c.req.param('id') ?? '');
    const answer = await c.get('api').post<{ orderId: string }>('/orders', body);
    if (answer.ok)
      return c.redirect(
        `/app/orders/${answer.json.orderId}?notice=${encodeURIComponent('Order entered: its workflow works out which documents it needs')}`,
        303,
      );
    return show(c, { form: 'order', errors: onFormRows(formErrors(answer), rows), values: textValues(posted), status: failedStatus(answer.status) });
  });
}

async function patientBody(
  c: WebContext,
  ctx: PageContext,
  patient: Patient,
  orders: { id: string; stage: string; blockedOn: string | null; hcpcs: string[]; orderDate: string }[],
  statements: Statement[],
  failed?: Failed,
): Promise<Html> {
  const errorsFor = (formName: string) => failedErrors(failed, formName);
  const valuesFor = (formName: string) => failedValues(failed, formName);
  const base = `/app/patients/${patient.id}`;
  const payers = may(ctx, 'intake') ? await payerOptions(c) : [];
  const coverageErrors = errorsFor('coverage');
  const cov = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
    field({ form: 'coverage', name, label, value: valuesFor('coverage')[name], ...extra }, coverageErrors);
  const coverages = patient.coverages ?? [];

  // A coverage refused when the patient was registered comes back as the reason, shown as the refusal it is.
  const refusedCoverage = c.req.query('coverage') === 'refused' && c.req.query('notice');
  return html`${refusedCoverage ? html`<div class="error-summary" role="alert"><p>${refusedCoverage}</p></div>` : notice(c)}
    <dl class="facts">
      ${
        patient.birthDate
          ? html`<dt>Born</dt>
              <dd>${day(patient.birthDate, ctx.locale)}</dd>`
          : ''
      }
      ${
        patient.address
          ? html`<dt>Address</dt>
              <dd>
                ${patient.address.line1}, ${patient.address.city} ${patient.address.state} ${patient.address.zip} (DME MAC
                ${patient.dmeMacJurisdiction ?? '—'})
              </dd>`
          : ''
      }
      ${
        patient.phone
          ? html`<dt>Phone</dt>
              <dd>${patient.phone}</dd>`
          : ''
      }
    </dl>
    ${may(ctx, 'intake') ? moveForm(ctx, base, failed) : ''}
    <h2>Coverages</h2>
    <table>
      <thead>
        <tr>
          <th>Priority</th>
          <th>Payer</th>
          <th>Member id</th>
          <th>Effective</th>
        </tr>
      </thead>
      <tbody>
        ${noRows(coverages, 4, 'None.')}
        ${coverages.map(
          (coverage) =>
            html`<tr>
              <td>${coverage.priority}</td>
              <td>${coverage.payerId}</td>
              <td>${coverage.memberId ?? '—'}</td>
              <td>${day(coverage.effectiveFrom, ctx.locale)} – ${day(coverage.effectiveTo, ctx.locale)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      may(ctx, 'intake')
        ? html`<details ${coverageErrors || c.req.query('coverage') === 'refused' ? html`open` : ''}>
            <summary>Add a coverage…</summary>
            ${errorSummary(coverageErrors, ['payerId', 'memberId', 'priority', 'mspType', 'groupNumber', 'effectiveFrom', 'effectiveTo', 'relationship', 'subscriber.firstName', 'subscriber.lastName', 'subscriber.birthDate', 'subscriber.sex'])}
            ${form(
              ctx,
              `${base}/coverages`,
              html`${cov('payerId', 'Payer', { type: 'select', required: true, options: payers })} ${cov('memberId', 'Member id', { required: true })}
                ${cov('priority', 'Priority', { type: 'select', required: true, options: ['primary', 'secondary', 'tertiary'] })}
                ${cov('mspType', 'Medicare secondary payer type (Medicare not primary)', { hint: '12 working aged, 13 ESRD, 14 no-fault, 15 workers’ compensation, 43 disability…' })}
                ${cov('groupNumber', 'Group number')} ${cov('effectiveFrom', 'Effective from', { type: 'date' })}
                ${cov('effectiveTo', 'Effective to', { type: 'date' })}
                ${cov('relationship', 'The patient is the subscriber’s', { type: 'select', required: true, options: ['self', 'spouse', 'child', 'other'], ...(valuesFor('coverage').relationship ? {} : { value: 'self' }) })}
                <fieldset>
                  <legend>Subscriber (when the patient is not the subscriber)</legend>
                  ${cov('subscriber.firstName', 'First name')} ${cov('subscriber.lastName', 'Last name')}
                  ${cov('subscriber.birthDate', 'Birth date', { type: 'date' })}
                  ${cov('subscriber.sex', 'Sex', {
                    type: 'select',
                    options: [
                      { value: 'F', label: 'female' },
                      { value: 'M', label: 'male' },
                      { value: 'U', label: 'unknown' },
                    ],
                  })}
                </fieldset>`,
              'Add coverage',
            )}
          </details>`
        : ''
    }
    ${
      statements.length
        ? html`<h2>Statements</h2>
            <table>
              <thead>
                <tr>
                  <th>Statement</th>
                  <th>Dated</th>
                  <th>Due</th>
                  <th class="num">Amount due</th>
                </tr>
              </thead>
              <tbody>
                ${statements.map(
                  (statement) =>
                    html`<tr>
                      <td>
                        <a href="/app/statements/${statement.id}/pdf"
                          >${statement.cycle === 4 ? 'Final notice' : `Statement ${statement.sequence}`} (PDF)</a
                        >
                      </td>
                      <td>${day(statement.statementOn, ctx.locale)}</td>
                      <td>${day(statement.dueOn, ctx.locale)}</td>
                      <td class="num">${dollars(statement.amountDue, ctx.locale)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
    <h2>Orders</h2>
    <table>
      <thead>
        <tr>
          <th>Order</th>
          <th>Items</th>
          <th>Ordered</th>
          <th>Stage</th>
        </tr>
      </thead>
      <tbody>
        ${noRows(orders, 4, 'None yet.')}
        ${orders.map(
          (order) =>
            html`<tr>
              <td><a href="/app/orders/${order.id}">${order.id.slice(0, 8)}</a></td>
              <td>${order.hcpcs.join(', ')}</td>
              <td>${day(order.orderDate, ctx.locale)}</td>
              <td>${badge(order.stage)}${order.blockedOn ? html` ${badge(order.blockedOn)}` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${may(ctx, 'intake') ? newOrderForm(ctx, `${base}/orders`, coverages, failed) : ''}`;
}

/** Recording a move, for intake: the form opens again with the API's messages when it refused one. */
function moveForm(ctx: PageContext, base: string, failed?: Failed): Html {
  const errors = failedErrors(failed, 'move');
  const values = failedValues(failed, 'move');
  const m = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
    field({ form: 'move', name, label, value: values[name], ...extra }, errors);
  return html`<details ${errors ? html`open` : ''}>
    <summary>Record a move…</summary>
    ${errorSummary(errors, ['line1', 'line2', 'city', 'state', 'zip', 'effectiveOn'])}
    ${form(
      ctx,
      `${base}/addresses`,
      html`${m('line1', 'Address', { required: true })} ${m('line2', 'Address line 2')} ${m('city', 'City', { required: true })}
      ${m('state', 'State', { required: true, hint: 'Two letters: it decides the Medicare DME MAC from the day of the move' })}
      ${m('zip', 'ZIP code', { required: true })} ${m('effectiveOn', 'Lives there from', { type: 'date', required: true })}`,
      'Record move',
    )}
  </details>`;
}
