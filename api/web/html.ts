/**
 * The pieces every page of the staff web app is made of: the layout with its navigation
 * by role, formatting of money and dates in the reader's locale, field errors from the
 * API's answers, paging, countdowns and links to the Temporal Web UI.
 *
 * Pages are HTML rendered here with hono/html (every interpolation is escaped) and plain
 * forms: no script at all, so the Content-Security-Policy allows nothing but this origin's
 * stylesheet.
 */
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Role } from '../../config';
import type { WebSession } from './session';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What every page is rendered with. */
export interface PageContext {
  session: WebSession;
  locale: string;
  /** Base of the Temporal Web UI and the namespace, for the workflow links. */
  temporalUi: { url: string; namespace: string };
}

interface NavItem {
  href: string;
  label: string;
  /** Roles that see it (admin sees all). */
  roles: readonly Role[];
}

const everyone: readonly Role[] = ['intake', 'reviewer', 'delivery', 'biller'];

/** The app's sections, by the roles whose API routes they read (tests/api/roles.test.ts). */
const navigation: readonly NavItem[] = [
  { href: '/app/queue', label: 'My work queue', roles: everyone },
  { href: '/app/orders', label: 'Orders', roles: everyone },
  { href: '/app/patients', label: 'Patients', roles: ['intake', 'biller'] },
  { href: '/app/resupply', label: 'Resupply', roles: ['intake', 'biller'] },
  { href: '/app/claims', label: 'Claims', roles: ['biller'] },
  { href: '/app/denials', label: 'Denials & appeals', roles: ['biller'] },
  { href: '/app/remittances', label: 'Remittances', roles: ['biller'] },
  { href: '/app/credit-balances', label: 'Credit balances', roles: ['biller'] },
  { href: '/app/ar-aging', label: 'A/R aging', roles: ['biller'] },
  { href: '/app/dashboard', label: 'Dashboard', roles: ['biller'] },
];

/** The signed-in role may send what the API allows `role` (admin may do all). */
export const may = (ctx: PageContext, role: Role) => ctx.session.role === role || ctx.session.role === 'admin';

const mayOpen = (role: Role, item: NavItem) => role === 'admin' || item.roles.includes(role);

/** The reader's locale from Accept-Language (its first tag this runtime formats), else en-US. */
export function localeOf(c: Context): string {
  const header = c.req.header('accept-language') ?? '';
  for (const part of header.split(',')) {
    const tag = part.split(';')[0].trim();
    if (!tag || tag === '*') continue;
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf([tag]);
      if (supported) return supported;
    } catch {
      // Not a well-formed language tag: try the next.
    }
  }
  return 'en-US';
}

/**
 * The reader's order and names of day, month and year, but the Gregorian calendar and
 * Latin digits: a claim's dates are Gregorian whatever the reader's locale (fa-IR would
 * show a birth date in the Persian calendar, th-TH in the Buddhist era).
 */
const westernDigits = { calendar: 'gregory', numberingSystem: 'latn' } as const;

/** Cents as dollars in the reader's locale: 123456 → $1,234.56. */
export function dollars(cents: number | null | undefined, locale: string): string {
  if (cents === null || cents === undefined) return '—';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', numberingSystem: 'latn' }).format(cents / 100);
}

/** A calendar day (YYYY-MM-DD) in the reader's format, never shifted by a time zone. */
export function day(date: string | null | undefined, locale: string): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC', ...westernDigits }).format(
    new Date(`${date.slice(0, 10)}T00:00:00Z`),
  );
}

/** A moment in the reader's format, in UTC (the server does not know the reader's zone), labelled so. */
export function moment(at: string | null | undefined, locale: string): string {
  if (!at) return '—';
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC', ...westernDigits }).format(new Date(at))} UTC`;
}

/** Whole days from today (UTC) to the day: negative when it has passed. */
function daysUntil(date: string, today = new Date()): number {
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((Date.parse(`${date.slice(0, 10)}T00:00:00Z`) - start) / 86_400_000);
}

/** A deadline as a countdown: "12 days left", "due today", "3 days overdue", coloured by urgency. */
export function countdown(date: string | null | undefined, locale: string, warnDays = 14): Html {
  if (!date) return html`—`;
  const days = daysUntil(date);
  const text =
    days > 1 ? `${days} days left` : days === 1 ? '1 day left' : days === 0 ? 'due today' : `${-days} day${days === -1 ? '' : 's'} overdue`;
  const urgency = days < 0 ? 'overdue' : days <= warnDays ? 'soon' : 'later';
  return html`<span class="countdown ${urgency}" data-days="${days}"
    ><time datetime="${date.slice(0, 10)}">${day(date, locale)}</time> · ${text}</span
  >`;
}

/** A link to the workflow in the Temporal Web UI (opens beside the app). */
export function workflowLink(ctx: PageContext, workflowId: string, label = 'Temporal Web UI'): Html {
  const href = `${ctx.temporalUi.url}/namespaces/${encodeURIComponent(ctx.temporalUi.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return html`<a class="temporal" href="${href}" target="_blank" rel="noopener">${label} ↗</a>`;
}

/** A problem the API named with its field (`details` of a 400/422), or the error's message. */
export interface FormErrors {
  message: string;
  byField: Record<string, string[]>;
}

export function formErrors(answer: { json: unknown }): FormErrors {
  const error = (answer.json as { error?: { message?: string; details?: unknown } } | null)?.error;
  const byField: Record<string, string[]> = {};
  if (Array.isArray(error?.details)) {
    for (const detail of error.details as { field?: unknown; message?: unknown }[]) {
      if (typeof detail?.field !== 'string' || typeof detail.message !== 'string') continue;
      (byField[detail.field] ??= []).push(detail.message);
    }
  }
  return { message: error?.message ?? 'The request was not completed', byField };
}

/**
 * The form's summary of what went wrong; the problems of `fields` — the names of the inputs
 * the form renders, each taking its own messages and those below it — are shown beside them instead.
 */
export function errorSummary(errors: FormErrors | undefined, fields: readonly string[]): Html {
  if (!errors || (!errors.message && Object.keys(errors.byField).length === 0)) return html``;
  const elsewhere = Object.entries(errors.byField).filter(([field]) => !fields.some((name) => field === name || field.startsWith(`${name}.`)));
  return html`<div class="error-summary" role="alert">
    <p>${errors.message}</p>
    ${
      elsewhere.length
        ? html`<ul>
            ${elsewhere.map(([field, messages]) => html`<li><code>${field}</code> ${messages.join('; ')}</li>`)}
          </ul>`
        : ''
    }
  </div>`;
}

function messagesFor(errors: FormErrors | undefined, name: string): string[] {
  if (!errors) return [];
  return Object.entries(errors.byField)
    .filter(([field]) => field === name || field.startsWith(`${name}.`))
    .flatMap(([, messages]) => messages);
}

export interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'date' | 'number' | 'textarea' | 'select' | 'checkbox';
  value?: string;
  required?: boolean;
  options?: readonly (string | { value: string; label: string })[];
  hint?: string;
  /** An id prefix, when one page has several forms with a field of the same name. */
  form?: string;
}

/** A labelled input with its hint and the API's message for it, tied together for screen readers. */
export function field(spec: FieldSpec, errors?: FormErrors): Html {
  const id = `${spec.form ?? 'f'}-${spec.name}`;
  const messages = messagesFor(errors, spec.name);
  const described = [spec.hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = html`id="${id}" name="${spec.name}" ${spec.required ? raw('required') : ''} ${messages.length ? raw('aria-invalid="true"') : ''}
  ${described ? html`aria-describedby="${described}"` : ''}`;
  let input: Html;
  if (spec.type === 'textarea') {
    input = html`<textarea ${common} rows="8">${spec.value ?? ''}</textarea>`;
  } else if (spec.type === 'select') {
    input = html`<select ${common}>
      ${
        // A required choice starts blank, so the browser (and the API) refuse a form sent without one: no default is chosen for the user.
        spec.required ? html`<option value="" ${spec.value ? '' : raw('selected')}>— choose —</option>` : html`<option value="">—</option>`
      }
      ${(spec.options ?? []).map((option) => {
        const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
        return html`<option value="${value}" ${value === spec.value ? raw('selected') : ''}>${label}</option>`;
      })}
    </select>`;
  } else if (spec.type === 'checkbox') {
    input = html`<input type="checkbox" value="true" ${common} ${spec.value === 'true' ? raw('checked') : ''} />`;
  } else {
    input = html`<input type="${spec.type ?? 'text'}" ${common} value="${spec.value ?? ''}" />`;
  }
  return html`<div class="field ${messages.length ? 'invalid' : ''}">
    <label for="${id}">${spec.label}</label>
    ${input} ${spec.hint ? html`<small id="${id}-hint">${spec.hint}</small>` : ''}
    ${messages.length ? html`<p class="field-error" id="${id}-error">${messages.join('; ')}</p>` : ''}
  </div>`;
}

/** A form posting to the app with the session's CSRF token. */
export function form(
  ctx: PageContext,
  action: string,
  body: Html,
  submit: string,
  /** `label`: what the button does, for a screen reader, when a page has many with the same text (one a row). */
  options: { multipart?: boolean; className?: string; label?: string } = {},
): Html {
  return html`<form
    method="post"
    action="${action}"
    class="${options.className ?? 'stacked'}"
    ${options.multipart ? raw('enctype="multipart/form-data"') : ''}
  >
    <input type="hidden" name="_csrf" value="${ctx.session.csrfToken}" />
    ${body}
    <button type="submit" ${options.label ? html`aria-label="${options.label}"` : ''}>${submit}</button>
  </form>`;
}

/** Previous / next links of a page of a list the API pages with limit and offset. */
export function pager(page: { limit: number; offset: number; total: number }, hrefFor: (offset: number) => string): Html {
  if (page.total <= page.limit && page.offset === 0) return html`<p class="pager">${page.total} shown</p>`;
  const last = Math.min(page.offset + page.limit, page.total);
  return html`<nav class="pager" aria-label="Pages">
    ${page.offset > 0 ? html`<a rel="prev" href="${hrefFor(Math.max(0, page.offset - page.limit))}">← Previous</a>` : ''}
    <span>${page.total === 0 ? 0 : page.offset + 1}–${last} of ${page.total}</span>
    ${last < page.total ? html`<a rel="next" href="${hrefFor(page.offset + page.limit)}">Next →</a>` : ''}
  </nav>`;
}

/** The row a table shows when it has none: what is not there, across its columns. */
export function noRows(rows: readonly unknown[], columns: number, text: string | Html): Html {
  return rows.length === 0
    ? html`<tr>
        <td colspan="${columns}" class="muted">${text}</td>
      </tr>`
    : html``;
}

/** A status word as a badge whose colour says good, waiting or bad. */
export function badge(status: string | null | undefined): Html {
  if (!status) return html`—`;
  const tone = /paid|approved|accepted|affirmed|closed|done|won|posted|resolved|delivered/.test(status)
    ? 'good'
    : /denied|rejected|non-affirmed|lost|failed|cancelled|written-off|system-error|overdue/.test(status)
      ? 'bad'
      : 'wait';
  return html`<span class="badge ${tone}">${status}</span>`;
}

/** A notice carried over a redirect (?notice=…): what the last command did. */
export function notice(c: Context): Html {
  const text = c.req.query('notice');
  return text ? html`<p class="notice" role="status">${text}</p>` : html``;
}

/** Every page's head: its title, no favicon request, the one stylesheet. */
const head = (title: string) =>
  html`<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · Durable DME</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/app/assets/app.css" />
  </head>`;

/** The page around the content: navigation for the session's role, who is signed in, sign-out. */
export function layout(ctx: PageContext, title: string, current: string, content: Html): Html {
  const items = navigation.filter((item) => mayOpen(ctx.session.role, item));
  return html`<!doctype html>
    <html lang="${ctx.locale}">
      ${head(title)}
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/app">Durable DME</a>
          <nav aria-label="Sections">
            <ul>
              ${items.map((item) => html`<li><a href="${item.href}" ${current === item.href ? raw('aria-current="page"') : ''}>${item.label}</a></li>`)}
            </ul>
          </nav>
          <div class="who">
            <span>${ctx.session.user} <small>(${ctx.session.role})</small></span>
            <form method="post" action="/app/sign-out">
              <input type="hidden" name="_csrf" value="${ctx.session.csrfToken}" /><button type="submit" class="link">Sign out</button>
            </form>
          </div>
        </header>
        <main id="main" tabindex="-1">
          <h1>${title}</h1>
          ${content}
        </main>
      </body>
    </html>`;
}

/** The sign-in page: the only page without a session. */
export function signInPage(locale: string, problem?: string): Html {
  return html`<!doctype html>
    <html lang="${locale}">
      ${head('Sign in')}
      <body class="sign-in">
        <main id="main">
          <h1>Durable DME</h1>
          <form method="post" action="/app/sign-in" class="stacked">
            <div class="field ${problem ? 'invalid' : ''}">
              <label for="key">API key</label>
              <input
                id="key"
                name="key"
                type="password"
                autocomplete="current-password"
                required
                autofocus
                ${problem ? raw('aria-invalid="true" aria-describedby="key-error"') : ''}
              />
              ${problem ? html`<p class="field-error" id="key-error">${problem}</p>` : ''}
              <small>Your key from API_KEYS (npm start prints the development key). It decides your role.</small>
            </div>
            <button type="submit">Sign in</button>
          </form>
        </main>
      </body>
    </html>`;
}

/** A page for an error the app cannot show inside its layout (no session needed to read it). */
export function errorPage(locale: string, message: string): Html {
  return html`<!doctype html>
    <html lang="${locale}">
      ${head('Not completed')}
      <body class="sign-in">
        <main id="main">
          <h1>Durable DME</h1>
          <div class="error-summary" role="alert"><p>${message}</p></div>
          <p><a href="/app">Back to the app</a></p>
        </main>
      </body>
    </html>`;
}
