/**
 * The staff web app under /app, served by the API process (same origin, same process in
 * `npm start` and compose). Sign-in turns an API key into a session cookie (session.ts);
 * every page then reads and writes through the API's routes as that key (api-client.ts),
 * so the app adds screens, not rules.
 *
 * A page answers with the API's status when a command is refused (400/403/404/409/422,
 * the form shown again with each message beside its field), and a command that succeeds
 * redirects (303) back to the page it came from with a notice of what it did.
 */
import { Hono, type Context } from 'hono';
import type { ApiKey, Config } from '../../config';
import type { Db } from '../../db/client';
import type { Logger } from '../../logger';
import { sessionApi, type ApiFetch } from './api-client';
import { errorPage, localeOf, signInPage } from './html';
import { claimPages } from './pages/claims';
import { creditBalancePages } from './pages/credit-balances';
import { remittancePages } from './pages/remittances';
import { reportPages } from './pages/reports';
import { orderPages } from './pages/orders';
import { patientSearchPages } from './pages/patient-search';
import { patientPages } from './pages/patients';
import { queuePages } from './pages/queue';
import { resupplyPages } from './pages/resupply';
import type { FormFields, WebContext, WebEnv } from './respond';
import { crossSite, csrfTokenMatches, currentSession, endSession, keyNamed, openSession, type SessionPolicy } from './session';
import { clientAddress, defaultSignInLimit, signInLimiter, type SignInLimit } from './sign-in-limit';
import { appCss } from './style';

export interface WebDeps {
  db: Db;
  apiKeys: ApiKey[];
  logger: Logger;
  session: SessionPolicy;
  /** The Temporal Web UI every order and claim links to. */
  temporalUi: { url: string; namespace: string };
  /** Failed sign-ins an address may make in a window (sign-in-limit.ts); its default otherwise. */
  signInLimit?: SignInLimit;
}

export const defaultSessionPolicy: SessionPolicy = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

/** The embedded dev server's Web UI (TEMPORAL_UI_PORT's default), where an app built without settings links. */
export const defaultTemporalUi = { url: 'http://127.0.0.1:8233', namespace: 'default' };

/** The web app's settings from the configuration; `ownUiUrl` is npm start's embedded Temporal UI. */
export function webSettings(config: Config, ownUiUrl?: string) {
  return {
    temporalUi: { url: config.TEMPORAL_UI_URL ?? ownUiUrl ?? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, namespace: config.TEMPORAL_NAMESPACE },
    session: { idleMs: config.WEB_SESSION_IDLE, maxMs: config.WEB_SESSION_MAX },
    signInLimit: { ...defaultSignInLimit, trustedProxies: config.WEB_TRUSTED_PROXIES },
  };
}

const securityHeaders: Record<string, string> = {
  // No script anywhere in the app; styles from this origin only; forms post back here only.
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // Pages carry PHI: never kept by a shared cache or the browser's back-forward cache on disk.
  'cache-control': 'no-store',
};

/** A posted form's fields; null when the body is not a form that parses (a broken multipart body). */
async function readForm(c: WebContext): Promise<FormFields | null> {
  try {
    return (await c.req.parseBody()) as FormFields;
  } catch {
    return null;
  }
}

/**
 * An error the API's handler answers (a body over its limit, something broken on our
 * side) on a page of the app: HTML with the app's headers, not the API's JSON.
 */
export function webErrorPage(c: Context, status: number, message: string): Response | Promise<Response> {
  return c.html(errorPage(localeOf(c), message), status as 500, securityHeaders);
}

export function webRoutes(deps: WebDeps, fetchApi: ApiFetch) {
  const app = new Hono<WebEnv>();
  const limit = deps.signInLimit ?? defaultSignInLimit;
  const limiter = signInLimiter(limit);

  app.use('/app/*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(securityHeaders)) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  });

  app.get('/app/assets/app.css', (c) => c.body(appCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  app.get('/app/sign-in', (c) => c.html(signInPage(localeOf(c))));
  app.post('/app/sign-in', async (c) => {
    if (crossSite(c)) return c.html(signInPage(localeOf(c), 'This sign-in came from another site and was refused.'), 403);
    const form = await readForm(c);
    if (!form) return c.html(signInPage(localeOf(c), 'The form could not be read: send it again from this page.'), 400);
    const address = clientAddress(c, limit.trustedProxies);
    const wait = limiter.retryAfter(address);
    if (wait > 0) {
      deps.logger.warn('web sign-in refused: too many failures', { address });
      const minutes = Math.ceil(wait / 60);
      return c.html(signInPage(localeOf(c), `Too many failed sign-ins from here: try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`), 429, {
        'retry-after': String(wait),
      });
    }
    const presented = typeof form.key === 'string' ? form.key.trim() : '';
    const key = presented ? keyNamed(deps.apiKeys, presented) : undefined;
    if (!key) {
      // Never the key typed: it may be someone's real key with a typo.
      deps.logger.info('web sign-in refused', { address, failures: limiter.failed(address) });
      return c.html(signInPage(localeOf(c), presented ? 'This key is not recognised.' : 'Enter your API key.'), 401);
    }
    limiter.succeeded(address);
    await openSession(c, deps.db, key, deps.session);
    deps.logger.info('web sign-in', { user: key.user, role: key.role });
    return c.redirect('/app', 303);
  });

  // Every other page needs a session; a POST also needs this site's origin and the session's form token.
  const signedIn = async (c: WebContext, next: () => Promise<void>) => {
    const session = await currentSession(c, deps.db, deps.apiKeys, deps.session);
    if (!session) return c.redirect('/app/sign-in', 303);
    if (c.req.method === 'POST') {
      if (crossSite(c)) return webErrorPage(c, 403, 'This form came from another site and was refused.');
      const form = await readForm(c);
      if (!form) return webErrorPage(c, 400, 'The form could not be read (its body is not a form): go back, reload and send it again.');
      if (!csrfTokenMatches(session, form._csrf))
        return webErrorPage(c, 403, 'This form is out of date (its token does not match your session): go back, reload and send it again.');
      delete form._csrf;
      c.set('form', form);
    }
    c.set('page', { session, locale: localeOf(c), temporalUi: deps.temporalUi });
    c.set('api', sessionApi(fetchApi, session));
    await next();
  };
  app.use('/app/*', signedIn);

  app.post('/app/sign-out', async (c) => {
    await endSession(c, deps.db);
    return c.redirect('/app/sign-in', 303);
  });
  app.get('/app', (c) => c.redirect('/app/queue', 303));

  queuePages(app);
  patientSearchPages(app);
  patientPages(app);
  resupplyPages(app);
  orderPages(app);
  claimPages(app);
  remittancePages(app);
  creditBalancePages(app);
  reportPages(app);

  app.all('/app/*', (c) => webErrorPage(c, 404, 'There is no such page.'));
  return app;
}
