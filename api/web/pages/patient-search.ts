/**
 * Patients (intake and billers): find one by last name, first name and birth date
 * (POST /patients/search: the names travel in the form's body, never in the URL), and,
 * for intake, the way to a new one.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { day, errorSummary, field, form, formErrors, layout, may, type FormErrors, noRows } from '../html';
import { failedStatus, formOptional, formText, page, textValues, type WebContext, type WebEnv } from '../respond';

export interface PatientMatch {
  id: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  city: string;
  state: string;
}

/** The API's search, as the new-patient form asks it too (are they here already?). */
export function searchPatients(c: WebContext, search: { lastName: string; firstName?: string; birthDate?: string }) {
  return c.get('api').post<{ patients: PatientMatch[]; more: boolean }>('/patients/search', search);
}

export function matchesTable(c: WebContext, matches: PatientMatch[]) {
  const { locale } = c.get('page');
  return html`<table>
    <thead>
      <tr>
        <th>Patient</th>
        <th>Born</th>
        <th>Lives in</th>
      </tr>
    </thead>
    <tbody>
      ${noRows(matches, 3, 'No patient matches.')}
      ${matches.map(
        (match) =>
          html`<tr>
            <td><a href="/app/patients/${match.id}">${match.lastName}, ${match.firstName}</a></td>
            <td>${day(match.birthDate, locale)}</td>
            <td>${match.city}, ${match.state}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function patientSearchPages(app: Hono<WebEnv>) {
  const render = async (c: WebContext, found?: { matches: PatientMatch[]; more: boolean }, failed?: { errors: FormErrors; status: number }) => {
    const ctx = c.get('page');
    const values = c.req.method === 'POST' ? textValues(c.get('form')) : {};
    const f = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
      field({ form: 'find', name, label, value: values[name], ...extra }, failed?.errors);
    const body = html`${may(ctx, 'intake') ? html`<p><a href="/app/patients/new">New patient…</a></p>` : ''}
    ${errorSummary(failed?.errors, ['lastName', 'firstName', 'birthDate'])}
    ${form(
      ctx,
      '/app/patients/search',
      html`${f('lastName', 'Last name', { required: true, hint: 'Or its first letters' })} ${f('firstName', 'First name')}
      ${f('birthDate', 'Birth date', { type: 'date' })}`,
      'Find',
    )}
    ${
      found
        ? html`<h2>Matches</h2>
            ${matchesTable(c, found.matches)}${found.more ? html`<p class="muted">More patients match: add the first name or birth date.</p>` : ''}`
        : ''
    }`;
    return page(c, layout(ctx, 'Patients', '/app/patients', body), failed?.status ?? 200);
  };
  app.get('/app/patients', (c) => render(c));
  app.post('/app/patients/search', async (c) => {
    const posted = c.get('form');
    const answer = await searchPatients(c, {
      lastName: formText(posted, 'lastName'),
      ...(formOptional(posted, 'firstName') ? { firstName: formText(posted, 'firstName') } : {}),
      ...(formOptional(posted, 'birthDate') ? { birthDate: formText(posted, 'birthDate') } : {}),
    });
    if (!answer.ok) return render(c, undefined, { errors: formErrors(answer), status: failedStatus(answer.status) });
    return render(c, { matches: answer.json.patients, more: answer.json.more });
  });
}
