/**
 * A browser's part in the web app's in-process tests: it keeps the session cookie, reads
 * the CSRF token from the last page as a form would carry it, and posts forms with this
 * site's Origin, as a browser does. (The real browser tests drive Chromium: tests/e2e/web-app.test.ts.)
 */
import type { createApp } from '../../api/app';

export interface WebAnswer {
  status: number;
  text: string;
  headers: Headers;
  location: string | null;
}

export function webBrowser(app: ReturnType<typeof createApp>, origin = 'http://localhost') {
  let cookie: string | null = null;
  let lastPage = '';

  const send = async (method: string, path: string, body?: RequestInit['body'], headers: Record<string, string> = {}): Promise<WebAnswer> => {
    const response = await app.request(`${origin}${path}`, {
      method,
      body,
      headers: { ...(cookie ? { cookie } : {}), ...(method === 'POST' ? { origin } : {}), ...headers },
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      cookie = /=$/.test(pair) || /Max-Age=0/i.test(setCookie) ? null : pair;
    }
    const text = await response.text();
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) lastPage = text;
    return { status: response.status, text, headers: response.headers, location: response.headers.get('location') };
  };

  const browser = {
    get: (path: string) => send('GET', path),
    /** The token the last page's forms carry. */
    csrf: () => /name="_csrf" value="([^"]+)"/.exec(lastPage)?.[1] ?? '',
    /** Posts a form as the page would (urlencoded, with the page's token unless one is given). */
    post: (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      send('POST', path, new URLSearchParams({ _csrf: browser.csrf(), ...fields }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      }),
    /** Posts a multipart form (a file upload). */
    postMultipart: (path: string, form: FormData) => {
      if (!form.has('_csrf')) form.set('_csrf', browser.csrf());
      return send('POST', path, form);
    },
    signIn: async (key: string) => {
      const answer = await send('POST', '/app/sign-in', new URLSearchParams({ key }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      });
      if (answer.status === 303) await send('GET', '/app/queue');
      return answer;
    },
    get cookie() {
      return cookie;
    },
    set cookie(value: string | null) {
      cookie = value;
    },
  };
  return browser;
}
