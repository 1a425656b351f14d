/**
 * Resupply on the time-skipping server (issue 13): a year of CPAP mask, cushion and filter
 * refills for one patient, each only after a confirmation that meets PIM ch. 5 §5.2.6; a
 * patient who does not answer is paused with a task; the CPAP's pickup stops the plan.
 * Real parts: the workflows and activities, Postgres, the sandbox payer's X12, pyx12.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { WorkflowHandle } from '@temporalio/client';
import { temporalPort } from '../../api/temporal';
import { auditEvents, claimLines, claims, coverages, orders, outboundMessages, resupplyCycles, resupplyPlans, tasks } from '../../db/schema';
import { addDays, addMonths } from '../../domain/calendar';
import { catalogEntry, defaultCatalog, usualMaximumUnits } from '../../domain/catalog';
import { outreachTimeUtc } from '../../domain/resupply';
import { orderWorkflowId, resupplyStatus, resupplyWorkflowId, type ResupplyStatus } from '../../workflows/definitions';
import { DmeResupplyDue } from '../../workflows/search-attributes';
import { buildTestApp, type ApiCall } from '../support/api';
import {
  approveAllDocuments,
  confirmDelivery,
  createOrderHarness,
  DAY,
  eventually,
  type OrderHarness,
  seedOrder,
  waitForStatus,
} from '../support/orders';
import { decryptedHistory } from '../support/codec';
import { phiIn } from '../support/phi';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

jest.setTimeout(600_000);

let harness: OrderHarness;
afterEach(() => harness?.teardown());

const supplies = ['A7032', 'A7034', 'A7038'];

async function deliveredCpap() {
  const deliveredOn = await harness.today();
  const seeded = await seedOrder(harness.database, {
    items: [
      { hcpcs: 'E0601', acquisition: 'rental', unitCharge: 12_000 },
      { hcpcs: 'A7034', acquisition: 'purchase', quantity: 1, unitCharge: 9_000 },
      { hcpcs: 'A7032', acquisition: 'purchase', quantity: 2, unitCharge: 2_500 },
      { hcpcs: 'A7038', acquisition: 'purchase', quantity: 2, unitCharge: 400 },
    ],
    orderDate: addDays(deliveredOn, -7),
  });
  const handle = await harness.startOrder(seeded.orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, deliveredOn);
  await eventually(
    async () => (await harness.database.db.select().from(claims).where(eq(claims.orderId, seeded.orderId))).length > 0,
    'the CPAP claim',
  );
  return { ...seeded, handle, deliveredOn };
}

function planHandle(planId: string): WorkflowHandle {
  return harness.env.client.workflow.getHandle(resupplyWorkflowId(planId));
}

async function planStatus(planId: string): Promise<ResupplyStatus> {
  return planHandle(planId).query(resupplyStatus);
}

/**
 * Moves the clock (activities hold it while they run) until the plan shows what the test
 * waits for: straight to the outreach date while a cycle waits for it, else a day at a time.
 */
async function advanceUntil(planId: string, predicate: (status: ResupplyStatus) => boolean, what: string, maxDays = 120): Promise<ResupplyStatus> {
  const until = (await harness.env.currentTimeMs()) + maxDays * DAY;
  while ((await harness.env.currentTimeMs()) <= until) {
    const status = await eventuallyStatus(planId, predicate, 700);
    if (status) return status;
    const current = await planStatus(planId).catch(() => undefined);
    // Outreach goes out at its hour of the day (10 am Eastern): straight to an hour after it.
    const opensAt = current?.cycle?.phase === 'waiting' ? Date.parse(`${current.cycle.contactOpensOn}T${outreachTimeUtc}`) + 3_600_000 : 0;
    const now = await harness.env.currentTimeMs();
    await harness.env.sleep(opensAt > now ? opensAt - now : DAY);
  }
  throw new Error(`${what}: not within ${maxDays} days; last ${JSON.stringify(await planStatus(planId))}`);
}

async function eventuallyStatus(planId: string, predicate: (status: ResupplyStatus) => boolean, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    // The plan answers queries once its first activity (loading the plan) is done.
    const status = await planStatus(planId).catch(() => undefined);
    if (status && predicate(status)) return status;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ordersOfPatient(patientId: string) {
  return harness.database.db.select().from(orders).where(eq(orders.patientId, patientId)).orderBy(asc(orders.createdAt));
}

/** The patient's refill answer by phone, as intake records it (`more` for a caregiver's). */
const answerRefill = (call: ApiCall, planId: string, cycle: number, items: unknown[], more: Record<string, unknown> = {}) =>
  call('POST', `/resupply-plans/${planId}/confirmations`, {
    role: 'intake',
    body: { cycle, answeredBy: 'patient', channel: 'phone', items, ...more },
  });

const worn = (onHandFilters = 0) => [
  { hcpcs: 'A7032', needed: true, condition: 'worn' },
  { hcpcs: 'A7034', needed: true, condition: 'damaged' },
  { hcpcs: 'A7038', needed: true, quantityOnHand: onHandFilters },
];

describeWithX12Valid('resupply', () => {
  test('a year of CPAP supply refills: outreach by text, nothing ships without a confirmation, a silent patient pauses with a task, the pickup stops the plan', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 7 * DAY });
    const { call } = buildTestApp(harness.database, temporalPort(harness.env.client, { taskQueue: harness.taskQueue }));
    const cpap = await deliveredCpap();
    const db = harness.database.db;

    const created = await call('POST', `/patients/${cpap.patientId}/resupply-plans`, {
      role: 'intake',
      body: {
        deviceOrderId: cpap.orderId,
        items: supplies.map((hcpcs) => ({ hcpcs })),
        cycleMonths: 3,
        channel: 'sms',
        contactPhone: '614-555-0100',
      },
    });
    expect(created.status).toBe(201);
    const planId = created.json.planId as string;
    // The workflow id is the plan's UUID: no PHI.
    expect(created.json.workflowId).toBe(`resupply-${planId}`);

    const supplyOrders: string[] = [];
    for (const cycle of [1, 2, 3, 4]) {
      const opened = await advanceUntil(
        planId,
        (status) => status.cycle?.cycle === cycle && status.cycle.phase === 'outreach',
        `refill ${cycle} outreach`,
      );
      const window = opened.cycle!;
      // The Web UI finds the plan by its next contact: once the first went out today, the next is due in 3 days.
      const nextContact = async () => (await planHandle(planId).describe()).typedSearchAttributes.get(DmeResupplyDue)?.toISOString().slice(0, 10);
      await eventually(async () => (await nextContact()) === addDays(window.contactOpensOn, 3), `DmeResupplyDue of refill ${cycle}`);
      // Outreach opens 10 days before the earliest shipping date, itself 10 days before the supply runs out.
      expect(window.earliestShipOn).toBe(addDays(window.dueOn, -10));
      expect(window.contactOpensOn).toBe(addDays(window.earliestShipOn, -10));
      expect(window.hcpcs).toEqual(supplies);
      expect(await harness.today()).toBe(window.contactOpensOn);
      // A text went out (recorded by the sandbox), and no supply order exists before the patient answers.
      const texts = await eventually(async () => {
        const rows = await db.select().from(outboundMessages).where(eq(outboundMessages.planId, planId));
        return rows.filter((row) => row.key.startsWith(`resupply-${planId}:${window.cycle}:`)).length > 0 ? rows : undefined;
      }, `refill ${cycle} text`);
      expect(texts.every((row) => row.channel === 'sms' && row.recipient === '+16145550100' && row.adapter === 'sandbox')).toBe(true);
      expect((await ordersOfPatient(cpap.patientId)).length).toBe(1 + supplyOrders.length);

      if (cycle === 3) {
        // No answer to three texts three days apart: the plan pauses with a task, and nothing ships.
        const paused = await advanceUntil(planId, (status) => status.status === 'paused', 'the pause', 12);
        expect(paused.reason).toBe('no-answer');
        expect(paused.cycle).toMatchObject({ phase: 'paused', attempts: 3 });
        const pauseTasks = await db
          .select()
          .from(tasks)
          .where(and(eq(tasks.resupplyPlanId, planId), eq(tasks.kind, 'resupply-no-answer')));
        expect(pauseTasks).toHaveLength(1);
        expect(phiIn(pauseTasks[0].title, ['Pat', 'Testcase', '6145550100'])).toEqual([]);
        const [row] = await db
          .select()
          .from(resupplyCycles)
          .where(and(eq(resupplyCycles.planId, planId), eq(resupplyCycles.cycle, 3)));
        expect(row.outcome).toBe('no-answer');
        const [planRow] = await db.select().from(resupplyPlans).where(eq(resupplyPlans.id, planId));
        expect(planRow.status).toBe('paused');
        await harness.env.sleep(5 * DAY);
        expect((await ordersOfPatient(cpap.patientId)).length).toBe(1 + supplyOrders.length);
        // The patient calls back: the answer is taken, and the plan goes on.
      }

      if (cycle === 2) {
        // A confirmation that breaks the rule is refused and changes nothing.
        const wrong = await answerRefill(call, planId, cycle, [
          { hcpcs: 'A7032', needed: true, condition: 'functional' },
          { hcpcs: 'A7034', needed: true, condition: 'worn' },
          { hcpcs: 'A7038', needed: true, quantityOnHand: 0 },
        ]);
        expect(wrong.status).toBe(422);
        expect(wrong.json.error.details).toEqual([{ field: 'items[0].condition', message: expect.stringContaining('still works') }]);
        const tooMany = await answerRefill(call, planId, cycle, [
          ...worn(2).slice(0, 2),
          { hcpcs: 'A7038', needed: true, quantityOnHand: 2, quantity: 6 },
        ]);
        expect(tooMany.status).toBe(422);
        expect(tooMany.json.error.details[0]).toMatchObject({ field: 'items[2].quantity', message: expect.stringContaining('at most 5') });
      }

      const answered = await answerRefill(
        call,
        planId,
        cycle,
        worn(cycle === 2 ? 2 : 0),
        cycle === 4 ? { answeredBy: 'caregiver', caregiverRelationship: 'spouse' } : {},
      );
      expect(answered.status).toBe(202);
      const orderId = answered.json.status.cycle.orderId as string;
      supplyOrders.push(orderId);
      const handle = harness.env.client.workflow.getHandle(orderWorkflowId(orderId));
      // The written order on file covers the refill: nothing to chase; the order waits for delivery.
      const atDelivery = await waitForStatus(handle, (status) => status.stage === 'delivery', 60_000);
      expect(atDelivery.documents).toEqual([expect.objectContaining({ kind: 'standard-written-order', status: 'approved' })]);

      // Delivered too soon (before 10 days from the end of use): refused; on the earliest shipping date: taken.
      const early = await call('POST', `/orders/${orderId}/delivery`, {
        role: 'delivery',
        body: { deliveredOn: await harness.today(), signedBy: 'Pat Testcase', relationship: 'self' },
      });
      if ((await harness.today()) < window.earliestShipOn) {
        expect(early.status).toBe(422);
        expect(early.json.error.details[0].field).toBe('deliveredOn');
        await harness.env.sleep(Date.parse(`${window.earliestShipOn}T00:00:00Z`) - (await harness.env.currentTimeMs()) + 3_600_000);
        await confirmDelivery(handle, window.earliestShipOn);
      } else {
        expect(early.status).toBe(202);
      }
      await advanceUntil(planId, (status) => status.cyclesCompleted === cycle, `refill ${cycle} delivered`, 5);
    }

    // Four refills ordered, and only after the four confirmations.
    expect(supplyOrders).toHaveLength(4);
    const status = await planStatus(planId);
    expect(status.items.every((item) => item.endOfUseOn > addMonths(cpap.deliveredOn, 12))).toBe(true);

    // The CPAP is picked up: the plan stops at once, before its next outreach.
    const pickup = await call('POST', `/orders/${cpap.orderId}/rental`, {
      role: 'biller',
      body: { change: 'pickup', effectiveOn: await harness.today() },
    });
    expect(pickup.status).toBe(202);
    const stopped = await advanceUntil(planId, (current) => current.status === 'stopped', 'the stop', 3);
    expect(stopped.reason).toBe('device-picked-up');
    const textsBefore = (await db.select().from(outboundMessages).where(eq(outboundMessages.planId, planId))).length;
    await harness.env.sleep(120 * DAY);
    expect((await db.select().from(outboundMessages).where(eq(outboundMessages.planId, planId))).length).toBe(textsBefore);
    expect(await planHandle(planId).result()).toMatchObject({ status: 'stopped', reason: 'device-picked-up', cyclesCompleted: 4 });
    // The plan's whole history, decrypted, names no one: the patient's name and number stay in the message rows.
    const history = JSON.stringify(await decryptedHistory(await planHandle(planId).fetchHistory()));
    expect(phiIn(history, ['Pat', 'Testcase', '6145550100', '614-555-0100', '1950-04-01', '1EG4TE5MK73'])).toEqual([]);
    expect(phiIn(JSON.stringify(await db.select().from(outboundMessages).where(eq(outboundMessages.planId, planId))), ['Pat'])).toEqual(['Pat']);

    // Every supply claim: the usual units over a three-month span, KX, and an 837P pyx12 accepts.
    for (const orderId of supplyOrders) {
      // Paid and closed, with no claim held.
      const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
      expect(order.stage).toBe('closed');
      const [claim] = await eventually(async () => {
        const rows = await db.select().from(claims).where(eq(claims.orderId, orderId));
        return rows.length > 0 ? rows : undefined;
      }, 'the supply claim');
      const lines = await db.select().from(claimLines).where(eq(claimLines.claimId, claim.id)).orderBy(asc(claimLines.hcpcs));
      expect(lines.map((line) => [line.hcpcs, line.units])).toEqual([
        ['A7032', 6],
        ['A7034', 1],
        // Two filters on hand 20 days before the anniversary: one would remain, so five came.
        ['A7038', orderId === supplyOrders[1] ? 5 : 6],
      ]);
      expect(claim.status).toBe('paid');
      for (const line of lines) {
        expect(line.serviceTo).toBe(addDays(addMonths(line.serviceFrom, 3), -1));
        expect(line.units).toBeLessThanOrEqual(usualMaximumUnits(catalogEntry(defaultCatalog, line.hcpcs)!, 3)!);
        expect(line.modifiers).toEqual(['KX']);
      }
      expect(claim.x12).toContain('NTE*ADD*3 MONTH SUPPLY');
      expect(x12valid(claim.x12)).toEqual({ ok: true, errors: [] });
    }
  });

  test('a hospital stay holds outreach until it ends; an opt-out makes the next contact a call at once; a decline moves the refill a cycle on', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 7 * DAY });
    const { call } = buildTestApp(harness.database, temporalPort(harness.env.client, { taskQueue: harness.taskQueue }));
    const cpap = await deliveredCpap();
    const db = harness.database.db;
    const created = await call('POST', `/patients/${cpap.patientId}/resupply-plans`, {
      role: 'intake',
      body: { deviceOrderId: cpap.orderId, items: supplies.map((hcpcs) => ({ hcpcs })), channel: 'sms', contactPhone: '6145550100' },
    });
    expect(created.status).toBe(201);
    const planId = created.json.planId as string;
    const textsOf = async () => (await db.select().from(outboundMessages).where(eq(outboundMessages.planId, planId))).length;
    const callsOf = async () =>
      db
        .select()
        .from(tasks)
        .where(and(eq(tasks.resupplyPlanId, planId), eq(tasks.kind, 'resupply-call')));

    const opened = await advanceUntil(planId, (status) => status.cycle?.phase === 'outreach', 'outreach');
    await eventually(async () => (await textsOf()) === 1, 'the first text');
    const until = addDays(await harness.today(), 20);
    const held = await call('POST', `/resupply-plans/${planId}/hold`, { role: 'intake', body: { reason: 'inpatient-stay', until } });
    expect(held.status).toBe(202);
    expect(held.json.status).toMatchObject({ status: 'held', reason: 'inpatient-stay', heldUntil: until });
    // An answer while held is refused; no reminder goes out during the stay.
    const whileHeld = await answerRefill(call, planId, opened.cycle!.cycle, worn());
    expect(whileHeld.status).toBe(409);
    await harness.env.sleep(19 * DAY);
    expect(await textsOf()).toBe(1);
    expect((await planStatus(planId)).status).toBe('held');
    // The hold ends on its day: a new round of contact begins with a new text.
    const resumed = await advanceUntil(planId, (status) => status.status === 'active' && status.cycle?.attempts === 1, 'the resumed outreach', 3);
    expect(resumed.heldUntil).toBeNull();
    await eventually(async () => (await textsOf()) === 2, 'the text after the hold');

    // The patient opts out of texts: honoured at once, the next contact is a call task and no text follows.
    const optOut = await call('POST', `/resupply-plans/${planId}/opt-out`, { role: 'intake', body: {} });
    expect(optOut.status).toBe(202);
    expect((await call('POST', `/resupply-plans/${planId}/opt-out`, { role: 'intake', body: {} })).status).toBe(409);
    await advanceUntil(planId, (status) => status.cycle?.attempts === 2, 'the next contact', 4);
    const calls = await eventually(async () => {
      const rows = await callsOf();
      return rows.length === 1 ? rows : undefined;
    }, 'the call task');
    expect(calls[0].title).toMatch(/^Call the patient about the E0601 supplies due /);
    expect(phiIn(calls[0].title, ['Pat', 'Testcase', '6145550100'])).toEqual([]);
    expect(await textsOf()).toBe(2);
    const [planRow] = await db.select().from(resupplyPlans).where(eq(resupplyPlans.id, planId));
    expect(planRow.optedOutAt).not.toBeNull();

    // On the call: nothing needed yet. No order; the next refill is due a cycle later.
    const dueOn = opened.cycle!.dueOn;
    const declinedOn = await harness.today();
    const declined = await answerRefill(call, planId, opened.cycle!.cycle, [
      { hcpcs: 'A7032', needed: false, condition: 'functional' },
      { hcpcs: 'A7034', needed: false, condition: 'functional' },
      { hcpcs: 'A7038', needed: false, quantityOnHand: 6 },
    ]);
    expect(declined.status).toBe(202);
    const next = await advanceUntil(planId, (status) => status.cycle?.cycle === 2, 'the next cycle', 1);
    // The mask and cushions still work: asked again a cycle later; the six filters last about 91 days: due then, which comes first.
    expect(next.cycle!.dueOn).toBe(addDays(declinedOn, 91));
    expect(next.items).toEqual([
      { hcpcs: 'A7032', endOfUseOn: addMonths(dueOn, 3) },
      { hcpcs: 'A7034', endOfUseOn: addMonths(dueOn, 3) },
      { hcpcs: 'A7038', endOfUseOn: addDays(declinedOn, 91) },
    ]);
    expect((await ordersOfPatient(cpap.patientId)).length).toBe(1);
    const [record] = await db
      .select()
      .from(resupplyCycles)
      .where(and(eq(resupplyCycles.planId, planId), eq(resupplyCycles.cycle, 1)));
    expect(record).toMatchObject({ outcome: 'declined', orderId: null, attempts: 3 });
    expect(record.confirmation).toMatchObject({ answeredBy: 'patient', channel: 'phone', user: expect.any(String) });

    // The report counts the month's outcome.
    const month = record.closedOn!.slice(0, 7);
    const report = await call('GET', `/reports/resupply-outreach?from=${month}&to=${month}`, { role: 'intake' });
    expect(report.json.months).toEqual([{ month, confirmed: 0, declined: 1, noAnswer: 0, stopped: 0, contacts: 3 }]);
  });

  test('coverage that ends stops the plan before its next contact; a refill order cancelled before delivery asks the patient again', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 7 * DAY });
    const { call } = buildTestApp(harness.database, temporalPort(harness.env.client, { taskQueue: harness.taskQueue }));
    const cpap = await deliveredCpap();
    const db = harness.database.db;
    const created = await call('POST', `/patients/${cpap.patientId}/resupply-plans`, {
      role: 'intake',
      body: { deviceOrderId: cpap.orderId, items: supplies.map((hcpcs) => ({ hcpcs })), channel: 'call' },
    });
    const planId = created.json.planId as string;
    const opened = await advanceUntil(planId, (status) => status.cycle?.phase === 'outreach', 'outreach');
    const answered = await answerRefill(call, planId, 1, worn());
    const orderId = answered.json.status.cycle.orderId as string;
    const handle = harness.env.client.workflow.getHandle(orderWorkflowId(orderId));
    await waitForStatus(handle, (status) => status.stage === 'delivery', 60_000);
    expect((await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'patient moved the delivery' } })).status).toBe(202);
    const again = await advanceUntil(
      planId,
      (status) => status.cycle?.phase === 'outreach' && status.cycle.orderId === null && status.cycle.attempts >= 1,
      'the contact again',
      3,
    );
    expect(again.cycle!.cycle).toBe(opened.cycle!.cycle);
    const reasked = await db
      .select()
      .from(tasks)
      .where(and(eq(tasks.resupplyPlanId, planId), eq(tasks.kind, 'resupply-order-cancelled')));
    expect(reasked).toHaveLength(1);
    // The new answer becomes a new order; the cancelled one's record stays in the audit trail.
    const again2 = await answerRefill(call, planId, 1, worn());
    expect(again2.status).toBe(202);
    const secondOrderId = again2.json.status.cycle.orderId as string;
    expect(secondOrderId).not.toBe(orderId);
    const [reopened] = await db
      .select()
      .from(resupplyCycles)
      .where(and(eq(resupplyCycles.planId, planId), eq(resupplyCycles.cycle, 1)));
    expect(reopened).toMatchObject({ outcome: 'confirmed', orderId: secondOrderId });
    const [cancelledRecord] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, planId), eq(auditEvents.action, 'resupply.order-cancelled')));
    expect(cancelledRecord.detail).toMatchObject({ cycle: 1, orderId, confirmation: expect.objectContaining({ channel: 'phone' }) });
    await waitForStatus(harness.env.client.workflow.getHandle(orderWorkflowId(secondOrderId)), (status) => status.stage === 'delivery', 60_000);
    expect((await call('POST', `/orders/${secondOrderId}/cancel`, { role: 'intake', body: { reason: 'not needed after all' } })).status).toBe(202);
    await advanceUntil(
      planId,
      (status) => status.cycle?.phase === 'outreach' && status.cycle.orderId === null,
      'the contact after the second cancel',
      3,
    );

    // The coverage ends: at its next look the plan stops, and no contact follows.
    await db
      .update(coverages)
      .set({ effectiveTo: await harness.today() })
      .where(eq(coverages.id, cpap.coverageId));
    const stopped = await advanceUntil(planId, (status) => status.status === 'stopped', 'the stop', 5);
    expect(stopped.reason).toBe('coverage-ended');
    const [row] = await db.select().from(resupplyPlans).where(eq(resupplyPlans.id, planId));
    expect(row).toMatchObject({ status: 'stopped', statusReason: 'coverage-ended', nextContactOn: null });
    expect((await call('POST', `/resupply-plans/${planId}/resume`, { role: 'intake', body: {} })).status).toBe(409);
  });
});
