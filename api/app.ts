/**
 * The HTTP API, built by a function so tests call `app.request()` without a socket.
 * It validates, persists intake data, starts workflows and sends them staff commands
 * (Updates); it never
 * writes order state itself (DESIGN.md "Layout").
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { HTTPException } from 'hono/http-exception';
import type { OrderStart } from '../activities/workflow-starts';
import type { ApiKey } from '../config';
import type { Database } from '../db/client';
import type { Logger } from '../logger';
import type {
  ClaimWorkflowStatus,
  CommandRefusedDetails,
  CreditBalanceWorkflowStatus,
  ResupplyStatus,
  OrderStatus,
  PatientPaymentRecorded,
} from '../workflows/definitions';
import { auditRequests } from './audit';
import { authenticate, type AppEnv } from './auth';
import { docsRoutes } from './docs';
import { ApiError, errorBody } from './errors';
import { bodyLimits, cleanInput } from './request-limits';
import { appealRoutes } from './routes/appeals';
import { auditRoutes } from './routes/audit';
import { codecRoutes, type CodecDeps } from './routes/codec';
import { claimRoutes } from './routes/claims';
import { creditBalanceRoutes } from './routes/credit-balances';
import { healthRoutes } from './routes/health';
import { orderSignalRoutes } from './routes/order-signals';
import { orderRoutes } from './routes/orders';
import { patientSearchRoutes } from './routes/patient-search';
import { patientRoutes } from './routes/patients';
import { payerRoutes } from './routes/payers';
import { remittanceRoutes } from './routes/remittances';
import { reportRoutes } from './routes/reports';
import { resupplyRoutes } from './routes/resupply';
import { statementRoutes } from './routes/statements';
import { taskRoutes } from './routes/tasks';
import { createOrderStarter, type OrderStarter } from './order-starts';
import { defaultSessionPolicy, defaultTemporalUi, webErrorPage, webRoutes } from './web/routes';
import type { SessionPolicy } from './web/session';
import type { SignInLimit } from './web/sign-in-limit';

/** What the API needs from Temporal (api/temporal.ts over a real client). */
export interface TemporalPort {
  /** Resolves when the Temporal frontend answers. */
  ping(): Promise<void>;
  /** Starts `dmeOrderWorkflow` for the order; rejects when Temporal did not start it. */
  startOrder(order: OrderStart): Promise<{ workflowId: string }>;
  /** The order workflow's live `orderStatus`; null when it has no workflow; rejects when it does not answer in time. */
  queryOrder(orderId: string): Promise<OrderStatus | null>;
  /** A staff command to the order's workflow; rejects when Temporal does not answer within the update timeout. */
  updateOrder<A>(orderId: string, update: UpdateDefinition<OrderStatus, [A]>, payload: A): Promise<CommandAnswer<OrderStatus>>;
  /** A staff command to the claim's workflow (appeals). */
  updateClaim<A>(claimId: string, update: UpdateDefinition<ClaimWorkflowStatus, [A]>, payload: A): Promise<CommandAnswer<ClaimWorkflowStatus>>;
  /** 'not-running' when the claim's workflow is closed or missing. */
  signalClaim<T>(claimId: string, signal: SignalDefinition<[T]>, payload: T): Promise<'sent' | 'not-running'>;
  /** Starts `creditBalanceWorkflow` for a credit balance a posting found; a second start is a no-op. */
  startCreditBalance(creditBalanceId: string): Promise<void>;
  /** A staff command to the credit balance's workflow (its resolution). */
  updateCreditBalance<A>(
    creditBalanceId: string,
    update: UpdateDefinition<CreditBalanceWorkflowStatus, [A]>,
    payload: A,
  ): Promise<CommandAnswer<CreditBalanceWorkflowStatus>>;
  /** Starts (or finds) the remittanceWorkflow of a stored remittance; rejects when Temporal did not answer. */
  startRemittance(remittance: { remittanceId: string; payerIdentifier: string; traceNumber: string }): Promise<void>;
  /** Starts a resupply plan's workflow; a second start is a no-op (the relay starts one this did not). */
  startResupply(plan: { planId: string; deviceHcpcs: string }): Promise<void>;
  /** A staff command to a resupply plan's workflow (a refill answer, a hold, a stop). */
  updateResupply<A>(planId: string, update: UpdateDefinition<ResupplyStatus, [A]>, payload: A): Promise<CommandAnswer<ResupplyStatus>>;
  /** Tells a resupply plan its device ended (picked up); 'not-running' when the plan is closed or missing. */
  signalResupply(
    planId: string,
    signal: SignalDefinition<[{ orderId: string; reason: 'picked-up' | 'rental-ended' }]>,
    payload: { orderId: string; reason: 'picked-up' | 'rental-ended' },
  ): Promise<'sent' | 'not-running'>;
  /** Tells the patient's statement account a payment was recorded; 'not-running' when the patient has no account open. */
  signalPatientStatements(patientId: string, payment: PatientPaymentRecorded): Promise<'sent' | 'not-running'>;
}

/**
 * How a staff command ended: accepted with the workflow's new status, refused by its
 * rule (never entered history), or not delivered because the workflow is closed or
 * was never started.
 */
export type CommandAnswer<S> =
  | { outcome: 'accepted'; status: S }
  | ({ outcome: 'refused'; message: string } & CommandRefusedDetails)
  | { outcome: 'closed' }
  | { outcome: 'missing' };

export interface AppDeps {
  database: Database;
  temporal: TemporalPort;
  apiKeys: ApiKey[];
  logger: Logger;
  /** The payload keys and the Web UI origins: with them the API serves the codec endpoints (/codec/*). */
  codec?: CodecDeps;
  /** Posting settings (UNDERPAYMENT_TOLERANCE_CENTS); defaults when absent. */
  posting?: { underpaymentToleranceCents?: number };
  /** Starts order workflows after intake answered (api/order-starts.ts); one over `temporal` when absent. */
  orderStarter?: OrderStarter;
  /** The staff web app's settings (/app): where the Temporal Web UI is, how long a session lasts. */
  web?: { temporalUi: { url: string; namespace: string }; session?: SessionPolicy; signInLimit?: SignInLimit };
}

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const orderStarter =
    deps.orderStarter ?? createOrderStarter({ db: deps.database.db, start: (order) => deps.temporal.startOrder(order), logger: deps.logger });

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // Paths carry ids only; bodies and query strings are never logged.
    const actor = c.get('actor') as { user: string; role: string } | undefined;
    deps.logger.info('request', {
      method: c.req.method,
      path: c.req.routePath,
      ...(actor ? { user: actor.user, role: actor.role } : {}),
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });
  app.use('*', bodyLimits());

  app.route('/', healthRoutes(deps));
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Durable DME API',
      version: '1',
      description: 'Orders, documents, claims and remittances of a DME supplier. Send `Authorization: Bearer <api key>`.',
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.route('/', docsRoutes());
  // The staff web app: its pages call the routes below in process, as the signed-in key (api/web/api-client.ts).
  app.route(
    '/',
    webRoutes(
      {
        db: deps.database.db,
        apiKeys: deps.apiKeys,
        logger: deps.logger,
        session: deps.web?.session ?? defaultSessionPolicy,
        ...(deps.web?.signInLimit ? { signInLimit: deps.web.signInLimit } : {}),
        temporalUi: deps.web?.temporalUi ?? defaultTemporalUi,
      },
      (request) => Promise.resolve(app.fetch(request)),
    ),
  );

  // Around everything after the public routes: the audit sees the actor authenticate sets and every answer, refusals included.
  // The codec's decodes are audited too: each one is a read of whatever a workflow carries.
  app.use('*', auditRequests(deps));
  // Before the general key check: the Web UI's preflight carries no key, and its grant is in the path.
  if (deps.codec) app.route('/', codecRoutes({ codec: deps.codec, apiKeys: deps.apiKeys, logger: deps.logger }));

  app.use('*', authenticate(deps.apiKeys));
  app.use('*', cleanInput());
  app.route('/', payerRoutes(deps));
  app.route('/', patientSearchRoutes(deps));
  app.route('/', patientRoutes(deps));
  app.route('/', orderRoutes(deps, orderStarter));
  app.route('/', orderSignalRoutes(deps, orderStarter));
  app.route('/', claimRoutes(deps));
  app.route('/', appealRoutes(deps));
  app.route('/', remittanceRoutes(deps));
  app.route('/', creditBalanceRoutes(deps));
  app.route('/', statementRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', resupplyRoutes(deps));
  app.route('/', taskRoutes(deps));
  app.route('/', auditRoutes(deps));

  app.notFound((c) => c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    // A page of the staff web app answers in HTML with the app's headers (api/web/routes.ts).
    const onPage = c.req.path === '/app' || c.req.path.startsWith('/app/');
    if (onPage && error instanceof ApiError) return webErrorPage(c, error.status, error.message);
    if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(errorBody('bad_request', error.message || 'The request could not be read'), error.status);
    }
    deps.logger.error('unhandled error', { path: c.req.routePath, errorName: error.name });
    if (onPage) return webErrorPage(c, 500, 'Something went wrong on our side; the request was not completed.');
    return c.json(errorBody('internal', 'Something went wrong on our side; the request was not completed'), 500);
  });
  return app;
}
