/**
 * Orders: the list by stage, blocker, payer and follow-up date (GET /orders), and the
 * order page (GET /orders/:id, read from the database) with its stage timeline, its
 * documents, prior authorization, delivery, rental months and claims, and each staff
 * command's form shown to the role the API lets send it (tests/api/roles.test.ts).
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { blockers, orderStages } from '../../../domain/order-stages';
import { badge, day, errorSummary, field, formErrors, layout, moment, pager, noRows } from '../html';
import {
  failedStatus,
  formOptional,
  formText,
  page,
  pathParam,
  queryErrors,
  runFormCommand,
  type Failed,
  type FormFields,
  type WebContext,
  type WebEnv,
} from '../respond';
import { orderBody, type OrderView, type Patient } from './order-page';

const pageSize = 25;

interface OrderSummary {
  id: string;
  payerId: string;
  orderDate: string;
  stage: string;
  blockedOn: string | null;
  rentalMonth: number | null;
  nextFollowUpAt: string | null;
  hcpcs: string[];
  createdAt: string;
}

function listHref(query: Record<string, string | undefined>, offset: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  if (offset) params.set('offset', String(offset));
  return `/app/orders?${params}`;
}

export function orderPages(app: Hono<WebEnv>) {
  app.get('/app/orders', async (c) => {
    const ctx = c.get('page');
    const query = {
      stage: c.req.query('stage') || undefined,
      blockedOn: c.req.query('blockedOn') || undefined,
      payerId: c.req.query('payerId') || undefined,
      followUpBy: c.req.query('followUpBy') || undefined,
    };
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const api = c.get('api');
    const [answer, payers] = await Promise.all([
      api.get<{ orders: OrderSummary[]; page: { limit: number; offset: number; total: number } }>('/orders', { ...query, limit: pageSize, offset }),
      api.get<{ payers: { id: string; name: string }[] }>('/payers'),
    ]);
    const errors = answer.ok ? undefined : queryErrors(formErrors(answer));
    const filters = html`<form method="get" action="/app/orders" class="filters">
      ${field({ name: 'stage', label: 'Stage', type: 'select', value: query.stage, options: orderStages }, errors)}
      ${field({ name: 'blockedOn', label: 'Waiting for', type: 'select', value: query.blockedOn, options: blockers }, errors)}
      ${field({ name: 'payerId', label: 'Payer', type: 'select', value: query.payerId, options: (payers.ok ? payers.json.payers : []).map((payer) => ({ value: payer.id, label: payer.name })) }, errors)}
      ${field({ name: 'followUpBy', label: 'Follow-up by', type: 'date', value: query.followUpBy }, errors)}
      <button type="submit" class="secondary">Filter</button>
    </form>`;
    if (!answer.ok) {
      const fields = ['stage', 'blockedOn', 'payerId', 'followUpBy'];
      return page(c, layout(ctx, 'Orders', '/app/orders', html`${errorSummary(errors, fields)}${filters}`), failedStatus(answer.status));
    }
    const body = html`${filters}
      <table>
        <thead>
          <tr>
            <th>Order</th>
            <th>Items</th>
            <th>Payer</th>
            <th>Ordered</th>
            <th>Stage</th>
            <th>Waiting for</th>
            <th>Rental month</th>
            <th>Next follow-up</th>
          </tr>
        </thead>
        <tbody>
          ${noRows(answer.json.orders, 8, 'No orders match.')}
          ${answer.json.orders.map(
            (order) =>
              html`<tr>
                <td><a href="/app/orders/${order.id}">${order.id.slice(0, 8)}</a></td>
                <td>${order.hcpcs.join(', ')}</td>
                <td>${order.payerId}</td>
                <td>${day(order.orderDate, ctx.locale)}</td>
                <td>${badge(order.stage)}</td>
                <td>${order.blockedOn ? badge(order.blockedOn) : '—'}</td>
                <td class="num">${order.rentalMonth ?? '—'}</td>
                <td>${moment(order.nextFollowUpAt, ctx.locale)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${pager(answer.json.page, (next) => listHref(query, next))}`;
    return page(c, layout(ctx, 'Orders', '/app/orders', body));
  });

  const show = async (c: WebContext, failed?: Failed) => {
    const ctx = c.get('page');
    const api = c.get('api');
    // Right after a command (and on request) the workflow itself is asked: the status it records in the database follows a moment later.
    const live = c.req.query('live') === '1' || failed !== undefined;
    const answer = await api.get<OrderView>(`/orders/${pathParam(c, 'id')}`, live ? { live: 'true' } : undefined);
    if (!answer.ok) {
      return page(c, layout(ctx, 'Order', '/app/orders', errorSummary(formErrors(answer), [])), failedStatus(answer.status));
    }
    const order =
      answer.json.workflow?.answered && answer.json.workflow.status ? { ...answer.json, status: answer.json.workflow.status } : answer.json;
    const patient = await api.get<Patient>(`/patients/${order.patientId}`);
    return page(
      c,
      layout(ctx, `Order ${order.id.slice(0, 8)}`, '/app/orders', orderBody(c, ctx, order, patient.ok ? patient.json : {}, failed)),
      failed?.status ?? 200,
    );
  };

  app.get('/app/orders/:id', (c) => show(c));

  /** A command of the order page: sent to the API, then back to the page (or the page again with the errors). */
  const command = (formName: string, path: (c: WebContext) => string, body: (form: FormFields, c: WebContext) => unknown, done: string) =>
    app.post(`/app/orders/:id/${formName === 'review' ? 'documents/:docId/review' : formName}`, async (c) => {
      const result = await runFormCommand(
        c,
        formName === 'review' ? `review-${c.req.param('docId')}` : formName,
        () => c.get('api').post(path(c), body(c.get('form'), c)),
        `/app/orders/${pathParam(c, 'id')}?live=1`,
        done,
      );
      return result instanceof Response ? result : show(c, result);
    });

  command(
    'documents',
    (c) => `/orders/${pathParam(c, 'id')}/documents`,
    (form) => ({ kind: formText(form, 'kind'), reference: formText(form, 'reference') }),
    'Document registered',
  );
  command(
    'review',
    (c) => `/orders/${pathParam(c, 'id')}/documents/${pathParam(c, 'docId')}/review`,
    (form) => ({ decision: formText(form, 'decision'), reason: formOptional(form, 'reason') }),
    'Review recorded',
  );
  command(
    'prior-auth',
    (c) => `/orders/${pathParam(c, 'id')}/prior-auth`,
    (form) => ({
      decision: formText(form, 'decision'),
      trackingNumber: formOptional(form, 'trackingNumber'),
      expiresOn: formOptional(form, 'expiresOn'),
      reason: formOptional(form, 'reason'),
      next: formOptional(form, 'next'),
    }),
    'Prior-authorization decision recorded',
  );
  command(
    'delivery',
    (c) => `/orders/${pathParam(c, 'id')}/delivery`,
    (form) => ({
      deliveredOn: formText(form, 'deliveredOn'),
      signedBy: formText(form, 'signedBy'),
      relationship: formText(form, 'relationship'),
      // One field per item, serial numbers separated by commas.
      serialNumbers: Object.fromEntries(
        Object.keys(form)
          .filter((name) => name.startsWith('serialNumbers.') && formText(form, name))
          .map((name) => [
            name.slice('serialNumbers.'.length),
            formText(form, name)
              .split(',')
              .map((serial) => serial.trim())
              .filter(Boolean),
          ]),
      ),
    }),
    'Delivery confirmed',
  );
  command(
    'rental',
    (c) => `/orders/${pathParam(c, 'id')}/rental`,
    (form) => ({
      change: formText(form, 'change'),
      effectiveOn: formText(form, 'effectiveOn'),
      reason: formOptional(form, 'reason'),
      ...(formText(form, 'inpatient') ? { inpatient: true } : {}),
      ...(formText(form, 'newMedicalNeed') ? { newMedicalNeed: true } : {}),
    }),
    'Rental change recorded',
  );
  command(
    'coverage',
    (c) => `/orders/${pathParam(c, 'id')}/coverage`,
    (form) => ({ coverageId: formText(form, 'coverageId') }),
    'Coverage corrected: the order bills it from now on',
  );
  command(
    'cancel',
    (c) => `/orders/${pathParam(c, 'id')}/cancel`,
    (form) => ({ reason: formText(form, 'reason') }),
    'Order cancelled',
  );
}
