/**
 * The API over a real socket, with the same call shape as tests/support/api.ts's
 * apiClient (so its intake and staff helpers drive a served API too). Every request is
 * bounded; `role` picks a key from `keys` when one is given for it, else `defaultKey`.
 */
import { callerOver, type ApiCall } from '../support/api';

export function httpClient(baseUrl: string, keys: { defaultKey?: string; byRole?: Partial<Record<string, string>> } = {}): ApiCall {
  return callerOver(
    (path, init) => fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(15_000) }),
    (role) => (role ? (keys.byRole?.[role] ?? keys.defaultKey) : keys.defaultKey),
  );
}
