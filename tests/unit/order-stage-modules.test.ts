/**
 * The order's stages (workflows/order/*) run as plain functions against fake ports: fake
 * activities that write down every call, a fake clock, and a script of what staff and
 * claims do on which day. What is asserted is what the business sees: which tasks open on
 * which day, what is recorded, which claims leave. The same stages run on a real Temporal
 * server in tests/workflow/.
 */
import type { OrderContext } from '../../activities/orders';
import { payerPolicy } from '../../domain/payer-policy';
import { startRental } from '../../domain/rental';
import type { OrderItem } from '../../domain/types';
import { awaitDelivery, confirmDelivery } from '../../workflows/order/delivery';
import { collectDocuments, receiveDocument, reviewDocument } from '../../workflows/order/documentation';
import { updateCoverage, verifyEligibility } from '../../workflows/order/eligibility';
import { decidePriorAuth } from '../../workflows/order/prior-auth';
import { awaitReceivables, recordClaimOutcome } from '../../workflows/order/receivables';
import { OrderCancelled, OrderRun, type OrderPorts } from '../../workflows/order/run';
import { initialOrderState, type OrderState } from '../../workflows/order/state';
import { codeAndSubmit } from '../../workflows/order/submission';

const day = 86_400_000;
const start = Date.parse('2026-03-02T00:00:00Z');
const dateOnDay = (n: number) => new Date(start + n * day).toISOString().slice(0, 10);
let now = start;
const dayNumber = () => Math.round(((now - start) / day) * 100) / 100;

beforeEach(() => {
  now = start;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

function context(items: Array<Pick<OrderItem, 'hcpcs' | 'acquisition'>>): OrderContext {
  return {
    orderId: 'o-1',
    payerId: 'medicare-jb',
    payerKind: 'medicare',
    payer: payerPolicy('medicare'),
    orderDate: dateOnDay(0),
    items: items.map((item, index) => ({ id: `item-${index + 1}`, quantity: 1, unitCharge: 15_000, ...item })),
    diagnosisCount: 1,
  };
}

type Call = { day: number; activity: string; input: any };
type Scripted = { onDay: number; act: (run: OrderRun) => unknown; done?: boolean };

/** An order run over fake ports; `script` is what the world does, on which day. */
function fakeOrder(state: OrderState, script: Scripted[] = [], answers: Record<string, (input: any) => unknown> = {}) {
  const calls: Call[] = [];
  const claimsStarted: string[] = [];
  let ids = 0;
  const activities = new Proxy({} as OrderPorts['activities'], {
    get: (_target, name: string) => async (input: unknown) => {
      calls.push({ day: dayNumber(), activity: name, input });
      return answers[name]?.(input);
    },
  });
  const happenBy = async (deadline: number, done: () => boolean) => {
    for (;;) {
      if (done()) return true;
      const next = script.filter((event) => !event.done && start + event.onDay * day <= deadline).sort((a, b) => a.onDay - b.onDay)[0];
      if (!next) return false;
      now = Math.max(now, start + next.onDay * day);
      next.done = true;
      await next.act(run);
    }
  };
  const ports: OrderPorts = {
    activities,
    inquiries: activities,
    newId: () => `id-${++ids}`,
    async waitUntil(done, timeoutMs) {
      const deadline = now + timeoutMs;
      if (await happenBy(deadline, done)) return true;
      now = deadline;
      return done();
    },
    async until(done) {
      if (!(await happenBy(Infinity, done))) throw new Error(`day ${dayNumber()}: the order would wait forever`);
    },
    publish: () => undefined,
    showDetails: () => undefined,
    patched: () => true,
    startClaimWorkflow: async ({ claimId }) => void claimsStarted.push(claimId),
    historyLength: () => 100,
    continueAsNew: async () => undefined,
    warn: () => undefined,
  };
  const run = new OrderRun(state, ports, 8_000);
  const tasks = () => calls.filter((call) => call.activity === 'createTask').map((call) => `day ${call.day}: ${call.input.role} ${call.input.kind}`);
  // What the order's row was told: records of their own and records carried by the activity doing the work.
  const stages = () =>
    calls
      .map((call) => (call.activity === 'recordStage' ? call.input : call.input?.orderStatus))
      .filter(Boolean)
      .map((record) => `${record.stage}/${record.blockedOn}`);
  const ownRecords = () => calls.filter((call) => call.activity === 'recordStage').length;
  return { run, calls, tasks, stages, ownRecords, claimsStarted };
}

function orderWith(items: Array<Pick<OrderItem, 'hcpcs' | 'acquisition'>>): OrderState {
  return { ...initialOrderState('o-1'), context: context(items) };
}

describe('documentation', () => {
  test('a walker needs its standard written order: one reminder on day 3, then approval on day 4 ends the stage and closes the reminder', async () => {
    const state = orderWith([{ hcpcs: 'E0143', acquisition: 'purchase' }]);
    const order = fakeOrder(state, [
      {
        onDay: 4,
        act: async (run) => {
          await receiveDocument(run, { user: 'intake-1', documentId: 'doc-1', kind: state.documents[0].kind, reference: 'dms://1' });
          await reviewDocument(run, { user: 'reviewer-1', documentId: 'doc-1', decision: 'approved' });
        },
      },
    ]);
    await collectDocuments(order.run);
    expect(state.documents).toEqual([expect.objectContaining({ kind: 'standard-written-order', status: 'approved', documentId: 'doc-1' })]);
    expect(order.tasks()).toEqual(['day 3: intake document-reminder']);
    const closed = order.calls.find((call) => call.activity === 'closeTasks');
    expect(closed).toMatchObject({ day: 4, input: { taskKeys: ['order-o-1:1:document-reminder'] } });
  });

  test('documents that never come: reminders every 3 days, the reviewer on day 14, the order cancelled on day 60', async () => {
    const state = orderWith([{ hcpcs: 'E0143', acquisition: 'purchase' }]);
    const order = fakeOrder(state);
    await expect(collectDocuments(order.run)).rejects.toBeInstanceOf(OrderCancelled);
    expect(order.tasks().slice(0, 6)).toEqual([
      'day 3: intake document-reminder',
      'day 6: intake document-reminder',
      'day 9: intake document-reminder',
      'day 12: intake document-reminder',
      'day 14: reviewer document-escalation',
      'day 17: intake document-reminder',
    ]);
    expect(dayNumber()).toBe(60);
    expect(state.cancel).toEqual({ user: 'system', reason: 'documentation window of 60 days closed without the required documents' });
  });
});

describe('eligibility', () => {
  test('inactive coverage asks intake to fix it; the corrected coverage is checked again and the coverage task closed', async () => {
    const state = orderWith([{ hcpcs: 'E0143', acquisition: 'purchase' }]);
    let checks = 0;
    const order = fakeOrder(state, [{ onDay: 1, act: (run) => updateCoverage(run, { user: 'intake-1', coverageId: 'cov-2' }) }], {
      checkEligibility: () => ({ active: ++checks > 1, coversDme: true }),
      switchCoverage: () => ({ ok: true }),
      loadOrderContext: () => state.context,
    });
    await verifyEligibility(order.run);
    expect(checks).toBe(2);
    expect(state.coverageVersion).toBe(1);
    expect(order.tasks()).toEqual(['day 0: intake coverage-problem']);
    expect(order.stages()).toEqual(['eligibility/null', 'eligibility/coverage']);
    expect(order.calls.find((call) => call.activity === 'closeTasks')?.input.taskKeys).toEqual(['order-o-1:1:coverage-problem']);
  });
});

describe('delivery', () => {
  test('escalates to billing on day 14, between reminders; the confirming user and date start the rental', async () => {
    const state = orderWith([{ hcpcs: 'E0601', acquisition: 'rental' }]);
    const order = fakeOrder(state, [
      {
        onDay: 16,
        act: (run) =>
          confirmDelivery(run, {
            user: 'driver-7',
            deliveredOn: dateOnDay(16),
            signedBy: 'signer',
            relationship: 'self',
            serialNumbers: { 'item-1': ['SN1'] },
          }),
      },
    ]);
    await awaitDelivery(order.run);
    expect(order.tasks()).toEqual([
      'day 3: delivery delivery-reminder',
      'day 6: delivery delivery-reminder',
      'day 9: delivery delivery-reminder',
      'day 12: delivery delivery-reminder',
      'day 14: biller delivery-escalation',
    ]);
    expect(order.calls.find((call) => call.activity === 'confirmDelivery')?.input).toMatchObject({ user: 'driver-7', deliveredOn: dateOnDay(16) });
    expect(state.rentals).toEqual([
      expect.objectContaining({ itemId: 'item-1', hcpcs: 'E0601', periodStart: dateOnDay(16), anniversaries: [{ month: 1, date: dateOnDay(16) }] }),
    ]);
  });

  test('a prior-auth affirmation that lapses before delivery is asked for again, then the order waits for delivery once more', async () => {
    const state = orderWith([{ hcpcs: 'K0823', acquisition: 'purchase' }]);
    state.priorAuth = { required: true, status: 'affirmed', requestId: 'pa-1', attempts: 1, trackingNumber: 'A1', expiresOn: dateOnDay(1) };
    const order = fakeOrder(state, [
      {
        onDay: 3,
        act: (run) => decidePriorAuth(run, { user: 'reviewer-1', decision: 'affirmed', trackingNumber: 'b2', expiresOn: dateOnDay(90) }),
      },
      {
        onDay: 4,
        act: (run) => confirmDelivery(run, { user: 'driver-7', deliveredOn: dateOnDay(4), signedBy: 's', relationship: 'self', serialNumbers: {} }),
      },
    ]);
    await awaitDelivery(order.run);
    const priorAuthCalls = order.calls.filter((call) => call.activity.startsWith('recordPriorAuth'));
    expect(priorAuthCalls.map((call) => `day ${call.day}: ${call.activity} ${call.input.status ?? ''}`.trim())).toEqual([
      'day 2: recordPriorAuthDecision expired',
      'day 2: recordPriorAuthRequest',
      'day 3: recordPriorAuthDecision affirmed',
    ]);
    // Recorded where the order waits or works, never a stage only passed through (issue 11.4): the last is the proof of delivery's.
    expect(order.stages()).toEqual(['delivery/delivery', 'prior-auth/prior-auth', 'delivery/delivery', 'delivery/delivery']);
    expect(order.calls.find((call) => call.activity === 'recordDeliveryProof')?.input.orderStatus).toMatchObject({ stage: 'delivery' });
    expect(state.priorAuth).toMatchObject({ status: 'affirmed', trackingNumber: 'B2', attempts: 2 });
  });
});

describe('submission and receivables', () => {
  const delivered = (state: OrderState) => {
    state.delivery = { deliveredOn: dateOnDay(0), serialNumbers: {}, proofStored: true };
    state.documents = [{ kind: 'standard-written-order', reason: 'policy', status: 'approved' }];
  };

  test('a walker bought with a CPAP rented from the same day leave on one claim: the purchase line first, then rental month 1', async () => {
    const state = orderWith([
      { hcpcs: 'E0143', acquisition: 'purchase' },
      { hcpcs: 'E0601', acquisition: 'rental' },
    ]);
    delivered(state);
    const order = fakeOrder(state, [], {
      prepareClaim: (input) => ({ ok: true, claimId: input.claimId, claimNumber: 'DME1', totalCharge: 1, lineCount: 2 }),
    });
    state.rentals = [startRental({ itemId: 'item-2', hcpcs: 'E0601', firstDateOfService: dateOnDay(0), payer: state.context!.payer })];
    await codeAndSubmit(order.run);
    const prepared = order.calls.filter((call) => call.activity === 'prepareClaim');
    expect(prepared).toHaveLength(1);
    expect(prepared[0].input.lines.map((line: any) => `${line.hcpcs} ${line.modifiers.join(' ')}`)).toEqual(['E0143 NU KX', 'E0601 RR KH KX']);
    expect(prepared[0].input).toMatchObject({ rentalPeriod: 1, rentalMonth: 1 });
    expect(order.claimsStarted).toEqual([prepared[0].input.claimId]);
    // Coding is passed through, not recorded; the claim's preparation carries the order's record (issue 11.4).
    expect(order.stages()).toEqual(['submission/null']);
    expect(prepared[0].input.orderStatus).toMatchObject({ stage: 'submission', blockedOn: null });
    expect(order.ownRecords()).toBe(0);
    expect(state.purchasesBilled).toBe(true);
  });

  test('a claim the scrubber stops is held for staff, never sent: a biller task names it and no claim workflow starts', async () => {
    const state = orderWith([{ hcpcs: 'E0143', acquisition: 'purchase' }]);
    delivered(state);
    const order = fakeOrder(state, [], { prepareClaim: () => ({ ok: false, failures: [{ code: 'NPI', message: 'prescriber NPI missing' }] }) });
    await codeAndSubmit(order.run);
    expect(order.claimsStarted).toEqual([]);
    expect(state.claims).toEqual([expect.objectContaining({ status: 'rejected', rejectedReason: 'scrubber: NPI: prescriber NPI missing' })]);
    expect(Object.keys(state.heldClaims)).toEqual([state.claims[0].claimId]);
    expect(order.tasks()).toEqual(['day 0: biller claim-scrub-failed']);
  });

  test('receivables wait on the remittance until every claim settled', async () => {
    const state = orderWith([{ hcpcs: 'E0143', acquisition: 'purchase' }]);
    state.claims = [{ claimId: 'c-1', claimNumber: 'DME1', serviceFrom: dateOnDay(0), serviceTo: dateOnDay(0), status: 'submitted' }];
    const order = fakeOrder(state, [{ onDay: 20, act: () => recordClaimOutcome(state, { claimId: 'c-1', outcome: 'paid' }) }]);
    await awaitReceivables(order.run);
    expect(dayNumber()).toBe(20);
    expect(order.stages()).toEqual(['receivables/remittance']);
    expect(order.ownRecords()).toBe(1);
  });
});
