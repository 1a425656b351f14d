import type { ApiKey } from '../../config';
import { createApp, type TemporalPort } from '../../api/app';
import { createLogger } from '../../logger';
import type { Database } from '../../db/client';

export const testKeys: ApiKey[] = [
  { key: 'intake-key-0000000001', role: 'intake', user: 'ivy.intake' },
  { key: 'reviewer-key-00000001', role: 'reviewer', user: 'rex.reviewer' },
  { key: 'delivery-key-00000001', role: 'delivery', user: 'dan.delivery' },
  { key: 'biller-key-0000000001', role: 'biller', user: 'bea.biller' },
  { key: 'admin-key-00000000001', role: 'admin', user: 'ada.admin' },
];

export const keyFor = (role: ApiKey['role']) => testKeys.find((entry) => entry.role === role)!.key;

/** Calls the app as a client would, with JSON in and out (or raw text with a content type). */
export function apiClient(app: ReturnType<typeof createApp>) {
  return async (
    method: string,
    path: string,
    options: { role?: ApiKey['role']; body?: unknown; key?: string; text?: string; contentType?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    const key = options.key ?? (options.role ? keyFor(options.role) : undefined);
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.text !== undefined) {
      body = options.text;
      headers['content-type'] = options.contentType ?? 'text/plain';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await app.request(path, { method, headers, body });
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

export type ApiCall = ReturnType<typeof apiClient>;

const withoutTemporal = (what: string) => () => Promise.reject(new Error(`${what}: this test runs without Temporal`));

/** For tests whose routes never reach a workflow: the health ping answers, anything else fails loudly. */
const noTemporal: TemporalPort = {
  ping: async () => undefined,
  startOrder: withoutTemporal('startOrder'),
  queryOrder: withoutTemporal('queryOrder'),
  signalOrder: withoutTemporal('signalOrder'),
  signalClaim: withoutTemporal('signalClaim'),
};

export function buildTestApp(database: Database, temporal: TemporalPort = noTemporal) {
  const app = createApp({ database, temporal, apiKeys: testKeys, logger: createLogger('error') });
  return { app, call: apiClient(app) };
}
