/**
 * The web app reads and writes through the API's own routes, in process, with the
 * signed-in session's key: every rule, role, limit, audit row and error message is the
 * API's, and a page can show nothing the same user could not fetch with curl.
 */
import type { WebSession } from './session';

export interface ApiAnswer<T = unknown> {
  status: number;
  ok: boolean;
  json: T;
  text: string;
}

/** Hands a request to the API (app.fetch); given by the app that mounts the web routes. */
export type ApiFetch = (request: Request) => Promise<Response>;

export interface SessionApi {
  get<T = unknown>(path: string, query?: Record<string, string | number | undefined>): Promise<ApiAnswer<T>>;
  post<T = unknown>(path: string, body: unknown): Promise<ApiAnswer<T>>;
  /** A raw text body (an 835 upload). */
  postText<T = unknown>(path: string, body: string, contentType: string): Promise<ApiAnswer<T>>;
  /** The API's response itself, for a file passed on as it is (a PDF). */
  file(path: string): Promise<Response>;
}

/** The origin in-process requests are addressed to; never resolved or dialled. */
const internalOrigin = 'http://api.internal';

export function sessionApi(fetchApi: ApiFetch, session: WebSession): SessionApi {
  const send = async <T>(method: string, path: string, body?: string, contentType?: string): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${session.key}` };
    if (contentType) headers['content-type'] = contentType;
    const response = await fetchApi(new Request(`${internalOrigin}${path}`, { method, headers, body }));
    const text = await response.text();
    let json: unknown = null;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    return { status: response.status, ok: response.ok, json: json as T, text };
  };
  return {
    get: (path, query) => {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(name, String(value));
      const search = params.toString();
      return send('GET', search ? `${path}?${search}` : path);
    },
    post: (path, body) => send('POST', path, JSON.stringify(body), 'application/json'),
    postText: (path, body, contentType) => send('POST', path, body, contentType),
    file: (path) => fetchApi(new Request(`${internalOrigin}${path}`, { headers: { authorization: `Bearer ${session.key}` } })),
  };
}
