/**
 * How a page answers: the Hono environment every page handler gets (the signed-in page
 * context, the session's API and the posted form), HTML with the page's status, and a
 * command's redirect back or the form shown again with the API's field errors.
 */
import type { Context } from 'hono';
import type { SessionApi } from './api-client';
import { errorSummary, formErrors, layout, type FormErrors, type Html, type PageContext } from './html';

/** A posted form's fields (files as File), the CSRF token taken out. */
export type FormFields = Record<string, string | File>;

export type WebEnv = { Variables: { page: PageContext; api: SessionApi; form: FormFields } };
export type WebContext = Context<WebEnv>;

/** A form sent again with what the API said was wrong with it. */
export interface Failed {
  /** Which form on the page. */
  form: string;
  errors: FormErrors;
  values: Record<string, string>;
  status: number;
  /** Problems of an uploaded file (an 835 the API rejected whole), listed above the form. */
  problems?: string[];
}

/** Text values of a posted form (file fields left out): what a re-shown form is filled with. */
export function textValues(form: FormFields): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** A refused command's status as the page answers it: the API's 4xx, or 503 when the API could not complete it. */
export const failedStatus = (status: number) => (status >= 400 && status < 500 ? status : 503);

/** Runs a command and redirects back with a notice, or returns what failed for the page to show. */
export async function runFormCommand(
  c: WebContext,
  formName: string,
  send: () => Promise<{ status: number; ok: boolean; json: unknown }>,
  back: string,
  done: string,
): Promise<Response | Failed> {
  const answer = await send();
  if (answer.ok) return c.redirect(`${back}${back.includes('?') ? '&' : '?'}notice=${encodeURIComponent(done)}`, 303);
  return { form: formName, errors: formErrors(answer), values: textValues(c.get('form')), status: failedStatus(answer.status) };
}

/** An HTML answer with the status the page decided (the API's refusal, 404 of a missing record). */
export async function page(c: WebContext, body: Html, status = 200): Promise<Response> {
  return c.html(await body, status as 200);
}

/** A trimmed text field of a posted form; '' when absent or a file. */
export const formText = (form: FormFields, name: string): string => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');

/** A text field left out of the API's body when empty. */
export const formOptional = (form: FormFields, name: string): string | undefined => formText(form, name) || undefined;

/** A path parameter as it goes into an API path or a redirect: encoded, so no segment can name another record. */
export const pathParam = (c: WebContext, name: string): string => encodeURIComponent(c.req.param(name) ?? '');

/** What the user typed into the form that failed, to show it again; nothing for the page's other forms. */
export const failedValues = (failed: Failed | undefined, formName: string): Record<string, string> =>
  failed?.form === formName ? failed.values : {};

/** The API's messages for the form that failed; none for the page's other forms. */
export const failedErrors = (failed: Failed | undefined, formName: string): FormErrors | undefined =>
  failed?.form === formName ? failed.errors : undefined;

/** A list's page as the API answers it. */
export interface ListPage {
  limit: number;
  offset: number;
  total: number;
}

/**
 * The API names a list's query parameters `query.<name>`; the filter form's fields are
 * named `<name>`: the messages move beside them.
 */
export function queryErrors(errors: FormErrors): FormErrors {
  return {
    message: errors.message,
    byField: Object.fromEntries(Object.entries(errors.byField).map(([field, messages]) => [field.replace(/^query\./, ''), messages])),
  };
}

/** A file the API serves (a PDF with PHI: the app's no-store applies), passed on as it is; its refusal as a page. */
export async function passFile(c: WebContext, apiPath: string, title: string, section: string): Promise<Response> {
  const response = await c.get('api').file(apiPath);
  if (response.ok) {
    return c.body(await response.arrayBuffer(), 200, {
      'content-type': response.headers.get('content-type') ?? 'application/octet-stream',
      'content-disposition': response.headers.get('content-disposition') ?? 'inline',
    });
  }
  const json: unknown = await response.json().catch(() => null);
  return page(c, layout(c.get('page'), title, section, errorSummary(formErrors({ json }), [])), failedStatus(response.status));
}

/** The API counts money in whole cents and a form asks for dollars: the API's type message said in the form's terms. */
export const inDollars = (message: string, example: string): string =>
  /whole number of cents/.test(message) ? `must be an amount in dollars, such as ${example}` : message;
