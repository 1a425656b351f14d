/**
 * The API over a real socket, with the same call shape as tests/support/api.ts's
 * apiClient (so its intake and staff helpers drive a served API too). Every request is
 * bounded; `role` picks a key from `keys` when one is given for it, else `defaultKey`.
 */
import type { ApiCall } from '../support/api';

export function httpClient(baseUrl: string, keys: { defaultKey?: string; byRole?: Partial<Record<string, string>> } = {}): ApiCall {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    const key = options.key ?? (options.role ? (keys.byRole?.[options.role] ?? keys.defaultKey) : keys.defaultKey);
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.text !== undefined) {
      body = options.text;
      headers['content-type'] = options.contentType ?? 'text/plain';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };
}
