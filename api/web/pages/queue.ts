/**
 * My work queue: the open tasks of the signed-in user's role (an admin picks a role),
 * oldest first as GET /tasks gives them, each opening its order or claim and marked done
 * here (POST /tasks/:id/done).
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { Role } from '../../../config';
import { errorSummary, field, form, formErrors, layout, moment, notice, pager, type FormErrors, noRows } from '../html';
import { failedStatus, page, pathParam, queryErrors, type ListPage, type WebContext, type WebEnv } from '../respond';

const taskRoles = ['intake', 'reviewer', 'delivery', 'biller'] as const;

/**
 * The orders each role's work holds up, besides its tasks: documents come in to intake and
 * are reviewed by reviewers, delivery staff confirm deliveries, billers fix claims (the
 * blockers of domain/order-stages.ts).
 */
const waitingFor: Record<(typeof taskRoles)[number], readonly { blockedOn: string; what: string }[]> = {
  intake: [
    { blockedOn: 'documents', what: 'documents to chase and register' },
    { blockedOn: 'coverage', what: 'coverage to correct' },
  ],
  reviewer: [
    { blockedOn: 'documents', what: 'documents to review' },
    { blockedOn: 'prior-auth', what: 'prior-authorization decisions' },
  ],
  delivery: [{ blockedOn: 'delivery', what: 'deliveries to confirm' }],
  // Stuck work (system-error) overlays the stage's own blocker and is not stored as one: it reaches billers as a task.
  biller: [{ blockedOn: 'claim-fix', what: 'claims to fix' }],
};
const pageSize = 25;

interface Task {
  id: string;
  orderId: string | null;
  claimId: string | null;
  resupplyPlanId: string | null;
  role: Role;
  kind: string;
  title: string;
  dueAt: string | null;
  createdAt: string;
}

export function queuePages(app: Hono<WebEnv>) {
  const render = async (c: WebContext, failed?: { errors: FormErrors; status: number }) => {
    const ctx = c.get('page');
    const role = ctx.session.role === 'admin' ? c.req.query('role') || undefined : ctx.session.role;
    const kind = c.req.query('kind') || undefined;
    const offset = Number(c.req.query('offset') ?? 0) || 0;
    const api = c.get('api');
    const [answer, sample] = await Promise.all([
      api.get<{ tasks: Task[]; page: ListPage }>('/tasks', { role, kind, limit: pageSize, offset }),
      // The kinds the filter offers: those of the role's oldest 100 open tasks.
      api.get<{ tasks: Task[] }>('/tasks', { role, limit: 100 }),
    ]);
    if (!answer.ok)
      return page(c, layout(ctx, 'My work queue', '/app/queue', errorSummary(queryErrors(formErrors(answer)), [])), failedStatus(answer.status));
    const tasks = answer.json.tasks;
    const kinds = [...new Set([...(sample.ok ? sample.json.tasks.map((task) => task.kind) : []), ...(kind ? [kind] : [])])].sort();
    const query = (next: number) =>
      `/app/queue?${new URLSearchParams({ ...(role && ctx.session.role === 'admin' ? { role } : {}), ...(kind ? { kind } : {}), offset: String(next) })}`;
    const waiting = role ? (waitingFor[role as (typeof taskRoles)[number]] ?? []) : [];
    const counts = await Promise.all(
      waiting.map((entry) => c.get('api').get<{ page: { total: number } }>('/orders', { blockedOn: entry.blockedOn, limit: 1 })),
    );
    const body = html` ${notice(c)} ${failed ? errorSummary(failed.errors, []) : ''}
      ${
        waiting.length
          ? html`<h2>Orders waiting for you</h2>
              <ul class="waiting">
                ${waiting.map(
                  (entry, index) =>
                    html`<li>
                      <a href="/app/orders?blockedOn=${entry.blockedOn}">${counts[index].ok ? counts[index].json.page.total : '?'} ${entry.what}</a>
                    </li>`,
                )}
              </ul>
              <h2>Tasks</h2>`
          : ''
      }
      <form method="get" action="/app/queue" class="filters">
        ${ctx.session.role === 'admin' ? field({ name: 'role', label: 'Role', type: 'select', value: role, options: taskRoles }) : html`<p>Tasks for <strong>${ctx.session.role}</strong></p>`}
        ${field({ name: 'kind', label: 'Kind', type: 'select', value: kind, options: kinds })}
        <button type="submit" class="secondary">Filter</button>
      </form>
      <table>
        <thead>
          <tr>
            <th>Task</th>
            <th>Kind</th>
            <th>Role</th>
            <th>Opened</th>
            <th>Due</th>
            <th>For</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${noRows(tasks, 7, 'Nothing waiting.')}
          ${tasks.map(
            (task) =>
              html`<tr>
                <td>${task.title}</td>
                <td>${task.kind}</td>
                <td>${task.role}</td>
                <td>${moment(task.createdAt, ctx.locale)}</td>
                <td>${moment(task.dueAt, ctx.locale)}</td>
                <td>
                  ${task.orderId ? html`<a href="/app/orders/${task.orderId}">Order</a>` : ''}
                  ${task.resupplyPlanId ? html`<a href="/app/resupply/${task.resupplyPlanId}">Resupply plan</a>` : ''}
                  ${task.claimId && (ctx.session.role === 'biller' || ctx.session.role === 'admin') ? html` <a href="/app/claims/${task.claimId}">Claim</a>` : ''}
                </td>
                <td>${form(ctx, `/app/tasks/${task.id}/done`, html``, 'Mark done', { className: 'inline', label: `Mark done: ${task.title}` })}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${pager(answer.json.page, query)}`;
    return page(c, layout(ctx, 'My work queue', '/app/queue', body), failed?.status ?? 200);
  };

  app.get('/app/queue', (c) => render(c));
  app.post('/app/tasks/:id/done', async (c) => {
    const answer = await c.get('api').post(`/tasks/${pathParam(c, 'id')}/done`, {});
    if (answer.ok) return c.redirect(`/app/queue?notice=${encodeURIComponent('Task marked done')}`, 303);
    return render(c, { errors: formErrors(answer), status: failedStatus(answer.status) });
  });
}
