import type { ApiKey } from '../../config';
import { createApp, type TemporalPort } from '../../api/app';
import { createLogger, type Logger } from '../../logger';
import type { Database } from '../../db/client';

export const testKeys: ApiKey[] = [
  { key: 'intake-key-0000000001', role: 'intake', user: 'ivy.intake' },
  { key: 'reviewer-key-00000001', role: 'reviewer', user: 'rex.reviewer' },
  { key: 'delivery-key-00000001', role: 'delivery', user: 'dan.delivery' },
  { key: 'biller-key-0000000001', role: 'biller', user: 'bea.biller' },
  { key: 'admin-key-00000000001', role: 'admin', user: 'ada.admin' },
];

export const keyFor = (role: ApiKey['role']) => testKeys.find((entry) => entry.role === role)!.key;

export interface CallOptions {
  role?: ApiKey['role'];
  body?: unknown;
  key?: string;
  text?: string;
  contentType?: string;
}

/**
 * One request shape for every way a test reaches the API (in process or over a
 * socket): JSON in and out, or raw text with a content type; `role` picks the key.
 */
export function callerOver(
  send: (path: string, init: RequestInit) => Response | Promise<Response>,
  keyOfRole: (role?: ApiKey['role']) => string | undefined,
) {
  return async (method: string, path: string, options: CallOptions = {}) => {
    const headers: Record<string, string> = {};
    const key = options.key ?? keyOfRole(options.role);
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.text !== undefined) {
      body = options.text;
      headers['content-type'] = options.contentType ?? 'text/plain';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await send(path, { method, headers, body });
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

/** Calls the app in process, as a client would. */
export function apiClient(app: ReturnType<typeof createApp>) {
  return callerOver(
    (path, init) => app.request(path, init),
    (role) => (role ? keyFor(role) : undefined),
  );
}

export type ApiCall = ReturnType<typeof apiClient>;

const withoutTemporal = (what: string) => () => Promise.reject(new Error(`${what}: this test runs without Temporal`));

/** For tests whose routes never reach a workflow: the health ping answers, anything else fails loudly. */
const noTemporal: TemporalPort = {
  ping: async () => undefined,
  startOrder: withoutTemporal('startOrder'),
  queryOrder: withoutTemporal('queryOrder'),
  updateOrder: withoutTemporal('updateOrder'),
  updateClaim: withoutTemporal('updateClaim'),
  signalClaim: withoutTemporal('signalClaim'),
  startCreditBalance: withoutTemporal('startCreditBalance'),
  updateCreditBalance: withoutTemporal('updateCreditBalance'),
  startResupply: withoutTemporal('startResupply'),
  updateResupply: withoutTemporal('updateResupply'),
  signalResupply: withoutTemporal('signalResupply'),
  startRemittance: withoutTemporal('startRemittance'),
  signalPatientStatements: withoutTemporal('signalPatientStatements'),
};

export function buildTestApp(database: Database, temporal: TemporalPort = noTemporal, logger: Logger = createLogger('error')) {
  const app = createApp({ database, temporal, apiKeys: testKeys, logger });
  return { app, call: apiClient(app) };
}

// ---- intake and staff steps through the API, for tests that drive an order ----

/** A prescriber with a valid NPI check digit. */
export const prescriber = { npi: '1987654328', firstName: 'Grace', lastName: 'Hopper' };

export const patientBody = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  birthDate: '1948-02-29',
  sex: 'F',
  address: { line1: '12 Main St', city: 'Columbus', state: 'OH', zip: '43215' },
};

/**
 * A patient with one coverage, through the API. The sandbox payer reads the member id's
 * last two digits (91 inactive, 92 claim rejected, …); the default triggers nothing.
 */
export async function registerPatient(call: ApiCall, coverage: { payerId?: string; memberId?: string } = {}) {
  const patient = await call('POST', '/patients', { role: 'intake', body: patientBody });
  if (patient.status !== 201) throw new Error(`patient not registered: ${patient.status} ${patient.text}`);
  const added = await call('POST', `/patients/${patient.json.id}/coverages`, {
    role: 'intake',
    body: { payerId: coverage.payerId ?? 'medicare-jb', memberId: coverage.memberId ?? '1EG4TE5MK73', priority: 'primary' },
  });
  if (added.status !== 201) throw new Error(`coverage not added: ${added.status} ${added.text}`);
  return { patientId: patient.json.id as string, coverageId: added.json.id as string };
}

export const todayIso = () => new Date().toISOString().slice(0, 10);

/** An order body: a cane (E0100, purchase: only a standard written order needed) unless items say otherwise. */
export function orderBody(patient: { patientId: string; coverageId: string }, overrides: Record<string, unknown> = {}) {
  return {
    patientId: patient.patientId,
    coverageId: patient.coverageId,
    prescriber,
    orderDate: todayIso(),
    diagnoses: ['M17.11'],
    items: [{ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 4500 }],
    ...overrides,
  };
}

export async function createOrder(call: ApiCall, patient: { patientId: string; coverageId: string }, overrides: Record<string, unknown> = {}) {
  const response = await call('POST', '/orders', { role: 'intake', body: orderBody(patient, overrides) });
  if (response.status !== 201) throw new Error(`order not created: ${response.status} ${response.text}`);
  const orderId = response.json.orderId as string;
  await workflowStarted(call, orderId);
  return orderId;
}

/**
 * Intake answers before the order's workflow is started (api/order-starts.ts): waits
 * until GET /orders/:id no longer says it is being started, for tests that go on to
 * Temporal itself (describe, terminate) rather than through the API.
 */
export async function workflowStarted(call: ApiCall, orderId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await call('GET', `/orders/${orderId}?live=true`, { role: 'admin' });
    if (response.status === 200 && !String(response.json.workflow.problem ?? '').includes('being started')) return;
    if (Date.now() > deadline) throw new Error(`order ${orderId}: its workflow was not started within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Reads GET /orders/:id until the live status satisfies `done` (the workflow works asynchronously). */
export async function waitForOrder(call: ApiCall, orderId: string, done: (order: any) => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    const response = await call('GET', `/orders/${orderId}?live=true`, { role: 'admin' });
    last = response.json;
    if (response.status === 200 && last.workflow.answered && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`order ${orderId}: ${what} did not happen within ${timeoutMs} ms; last: ${JSON.stringify(last?.workflow)}`);
}

/** Receives and approves every document the order needs, as intake and reviewer would. */
export async function completeDocuments(call: ApiCall, orderId: string) {
  const order = await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'required documents known');
  for (const document of order.workflow.status.documents) {
    const received = await call('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: document.kind, reference: `dms://orders/${orderId}/${document.kind}.pdf` },
    });
    if (received.status !== 202) throw new Error(`${document.kind} not received: ${received.status} ${received.text}`);
    await waitForOrder(
      call,
      orderId,
      (o) => o.workflow.status.documents.some((d: any) => d.documentId === received.json.documentId),
      `${document.kind} received`,
    );
    const reviewed = await call('POST', `/orders/${orderId}/documents/${received.json.documentId}/review`, {
      role: 'reviewer',
      body: { decision: 'approved' },
    });
    if (reviewed.status !== 202) throw new Error(`${document.kind} not approved: ${reviewed.status} ${reviewed.text}`);
  }
}

/** Confirms delivery (today unless said otherwise), once the order waits for it. */
export async function deliver(call: ApiCall, orderId: string, deliveredOn = todayIso(), serialNumbers: Record<string, string[]> = {}) {
  await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'delivery', 'waiting for delivery');
  const response = await call('POST', `/orders/${orderId}/delivery`, {
    role: 'delivery',
    body: { deliveredOn, signedBy: 'Ada Lovelace', relationship: 'self', serialNumbers },
  });
  if (response.status !== 202) throw new Error(`delivery not confirmed: ${response.status} ${response.text}`);
}

/**
 * Uploads an 835 and follows it: POST answers 202 (200 when every remittance was received
 * before) with Location; the remittance's workflow posts it, and its GET view is returned
 * once posted (or failed). `posted` is undefined when the upload was refused.
 */
export async function uploadRemittance(call: ApiCall, text: string, options: { contentType?: string; timeoutMs?: number } = {}) {
  const upload = await call('POST', '/remittances', { role: 'biller', text, ...(options.contentType ? { contentType: options.contentType } : {}) });
  if (upload.status !== 202 && upload.status !== 200) return { upload, posted: undefined };
  const location = upload.headers.get('location');
  if (!location) throw new Error('POST /remittances answered without a Location');
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const view = await call('GET', location, { role: 'biller' });
    if (view.json?.status === 'posted' || view.json?.status === 'failed') return { upload, posted: view.json };
    if (Date.now() > deadline) throw new Error(`remittance at ${location} still ${view.json?.status} after ${options.timeoutMs ?? 30_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
