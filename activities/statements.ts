/**
 * The patient's share after a claim's last payer (DOMAIN.md §15, issue 10.4): what of it
 * is billed and what is written off (domain/patient-statements.ts decides), and the
 * statements of the patient's account that bill it, each a PDF kept in Postgres. Inputs
 * and results carry ids, dates and cents only: the patient's name, address and services
 * go into the PDF and nowhere else. Every write is idempotent (ledger entry keys, the
 * statement's id chosen by its workflow, task keys).
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { and, asc, eq, gte, inArray, isNull, lte, max, or } from 'drizzle-orm';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/client';
import {
  adjustments,
  claimLines,
  claimPayers,
  claimPayments,
  claims,
  coverages,
  ledgerEntries,
  orders,
  patientStatements,
  patients,
  payers,
  remittances,
  tasks,
} from '../db/schema';
import { catalogEntry, defaultCatalog } from '../domain/catalog';
import { patientShareDecision, type PatientShareWriteOff, type StatementFinalAction, type StatementSettings } from '../domain/patient-statements';
import { creditBalanceWorkflowId, patientShareBilled, patientStatementsWorkflowId } from '../workflows/definitions';
import type { creditBalanceWorkflow } from '../workflows/credit-balance';
import type { patientStatementsWorkflow } from '../workflows/patient-statements';
import { balancesOf, detectCreditBalances, type Tx } from './credit-balances';
import { renderStatementPdf, type StatementClaim, type StatementContent } from './statement-pdf';
import type { SupplierIdentity } from './supplier';

/** PATIENT_SMALL_BALANCE_CENTS unless configured: $5.00. */
const DEFAULT_SMALL_BALANCE_CENTS = 500;
/** PATIENT_STATEMENT_FINAL_ACTION unless configured. */
const DEFAULT_FINAL_ACTION: StatementFinalAction = 'write-off';

export interface StatementActivityDeps {
  db: Db;
  supplier: SupplierIdentity;
  /** The worker's client: starts (or signals) the patient's statement workflow and credit balance workflows. */
  temporal?: Client;
  /** Patient balances under this many cents are written off (PATIENT_SMALL_BALANCE_CENTS); 0 never. */
  patientSmallBalanceCents?: number;
  /** What happens after the final notice goes unpaid (PATIENT_STATEMENT_FINAL_ACTION). */
  patientStatementFinalAction?: StatementFinalAction;
}

/** What billPatientShare did with a claim's patient balance. */
export interface PatientShareBilling {
  claimId: string;
  patientId: string;
  /** The patient's balance on the claim before this decision (cents). */
  balance: number;
  /** Medicare is among the claim's payers and Medicaid covers the patient (claim_payers, or a coverage in force on the service date). */
  dualEligible: boolean;
  /** Written off now, each with the reason recorded on its ledger entry. */
  writtenOff: PatientShareWriteOff[];
  /** What joined the patient's statements (cents); 0 when nothing was billed. */
  billed: number;
  /** statements: `billed` joined the statement account; written-off: all of it was written off; nothing-owed: no balance. */
  outcome: 'statements' | 'written-off' | 'nothing-owed';
  /** The patient's statement workflow (`patient-statements-<patientId>`) when the balance joined it. */
  statementsWorkflowId: string | null;
  /** Patient credit balances found (cost-sharing the patient had paid and may not be asked for), each with its workflow started. */
  creditBalanceIds: string[];
}

/** A claim's balance is keyed by the adjudication it was decided on: a retry writes nothing twice, a new 835 may decide again. */
const shareEntryKey = (claimId: string, kind: PatientShareWriteOff['kind'], adjudication: string) =>
  `patient-share:${claimId}:${kind}:${adjudication}`;
const patientPaidKinds = new Set(['patient-payment', 'applied-credit', 'refund']);
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

export function createStatementActivities(deps: StatementActivityDeps) {
  const { db, supplier } = deps;
  const settings: StatementSettings = {
    smallBalanceThreshold: deps.patientSmallBalanceCents ?? DEFAULT_SMALL_BALANCE_CENTS,
    finalAction: deps.patientStatementFinalAction ?? DEFAULT_FINAL_ACTION,
  };
  function client(): Client {
    if (!deps.temporal) throw ApplicationFailure.nonRetryable('The worker has no Temporal client for statement activities', 'WorkerMisconfigured');
    return deps.temporal;
  }

  /** What the decision needs, read inside the transaction that acts on it (the claim row locked). */
  async function shareFacts(tx: Tx, claimId: string) {
    const [claim] = await tx
      .select({ id: claims.id, payerId: claims.payerId, serviceFrom: claims.serviceFrom, patientId: orders.patientId })
      .from(claims)
      .innerJoin(orders, eq(orders.id, claims.orderId))
      .where(eq(claims.id, claimId))
      .for('update', { of: claims });
    if (!claim) throw ApplicationFailure.nonRetryable(`claim ${claimId} does not exist`, 'ClaimUnknown');

    const onClaim = await tx
      .select({ level: claimPayers.level, kind: payers.kind })
      .from(claimPayers)
      .innerJoin(payers, eq(payers.id, claimPayers.payerId))
      .where(eq(claimPayers.claimId, claimId));
    // Claims from before coordination of benefits have no claim_payers rows: their own payer is the primary.
    const [own] = await tx.select({ kind: payers.kind }).from(payers).where(eq(payers.id, claim.payerId));
    const kinds = onClaim.length ? onClaim.map((row) => row.kind) : [own?.kind];
    const primaryKind = onClaim.find((row) => row.level === 'primary')?.kind ?? own?.kind;
    const medicaidInForce = await tx
      .select({ id: coverages.id })
      .from(coverages)
      .innerJoin(payers, eq(payers.id, coverages.payerId))
      .where(
        and(
          eq(coverages.patientId, claim.patientId),
          eq(payers.kind, 'medicaid'),
          or(isNull(coverages.effectiveFrom), lte(coverages.effectiveFrom, claim.serviceFrom)),
          or(isNull(coverages.effectiveTo), gte(coverages.effectiveTo, claim.serviceFrom)),
        ),
      );
    const dualEligible = (kinds.includes('medicare') && kinds.includes('medicaid')) || (primaryKind === 'medicare' && medicaidInForce.length > 0);

    // The last payer's standing adjudication: its latest CLP, the corrected one where a reversal shares its remittance.
    const payments = await tx
      .select({ id: claimPayments.id, statusCode: claimPayments.statusCode, remittanceId: claimPayments.remittanceId })
      .from(claimPayments)
      .innerJoin(remittances, eq(remittances.id, claimPayments.remittanceId))
      .where(eq(claimPayments.claimId, claimId))
      .orderBy(asc(remittances.receivedAt), asc(claimPayments.position));
    const latest = payments.at(-1);
    const standing = latest && ([...payments].reverse().find((row) => row.statusCode !== '22' && row.remittanceId === latest.remittanceId) ?? latest);
    const patientResponsibility =
      standing && standing.statusCode !== '22'
        ? await tx
            .select({ reason: adjustments.reasonCode, amount: adjustments.amount })
            .from(adjustments)
            .where(and(eq(adjustments.claimPaymentId, standing.id), eq(adjustments.groupCode, 'PR')))
        : [];

    const entries = await tx
      .select({ kind: ledgerEntries.kind, amount: ledgerEntries.amount, entryKey: ledgerEntries.entryKey })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.claimId, claimId), eq(ledgerEntries.party, 'patient')));
    const dualKeys = `patient-share:${claimId}:dual-eligible:`;
    return {
      patientId: claim.patientId,
      adjudication: standing?.id ?? 'none',
      facts: {
        balance: sum(entries.map((entry) => entry.amount)),
        patientResponsibility,
        dualEligible,
        costSharingWrittenOff: -sum(entries.filter((entry) => entry.entryKey.startsWith(dualKeys)).map((entry) => entry.amount)),
        paidByPatient: -sum(entries.filter((entry) => patientPaidKinds.has(entry.kind)).map((entry) => entry.amount)),
        smallBalanceThreshold: settings.smallBalanceThreshold,
      },
    };
  }

  async function startCreditBalanceWorkflows(creditBalanceIds: string[]) {
    for (const creditBalanceId of creditBalanceIds) {
      try {
        await client().workflow.start<typeof creditBalanceWorkflow>('creditBalanceWorkflow', {
          workflowId: creditBalanceWorkflowId(creditBalanceId),
          taskQueue: Context.current().info.taskQueue,
          args: [{ creditBalanceId }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: `Credit balance ${creditBalanceId}: report and return by its deadline`,
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
  }

  /** The claims' patient balances as of now (cents). */
  async function owedOn(claimIds: string[]): Promise<Record<string, number>> {
    const balances = await balancesOf(db, claimIds);
    return Object.fromEntries(claimIds.map((claimId) => [claimId, balances.get(claimId)?.patient ?? 0]));
  }

  return {
    /**
     * Bills what the patient owes on a claim once its last payer has adjudicated: a
     * dual-eligible patient's Medicare cost-sharing and a balance under the threshold
     * are written off with their reasons; the rest joins the patient's statement account
     * (signal-with-start of `patient-statements-<patientId>`). Run it again and it writes
     * nothing twice and signals a balance the account already has, which changes nothing.
     */
    async billPatientShare(input: { claimId: string; asOf: string }): Promise<PatientShareBilling> {
      const at = new Date(input.asOf);
      const decided = await db.transaction(async (tx) => {
        const { patientId, adjudication, facts } = await shareFacts(tx, input.claimId);
        const decision = patientShareDecision(facts);
        for (const writeOff of decision.writeOffs) {
          await tx
            .insert(ledgerEntries)
            .values({
              entryKey: shareEntryKey(input.claimId, writeOff.kind, adjudication),
              claimId: input.claimId,
              party: 'patient',
              kind: 'write-off',
              amount: -writeOff.amount,
              reason: writeOff.reason,
              actor: 'system',
              at,
            })
            .onConflictDoNothing();
        }
        await recordAudit(tx, {
          actor: 'system',
          action: 'claim.patient-share',
          entityType: 'claim',
          entityId: input.claimId,
          detail: {
            balance: facts.balance,
            dualEligible: facts.dualEligible,
            writtenOff: decision.writeOffs.map(({ kind, amount }) => ({ kind, amount })),
            billed: decision.billable,
          },
        });
        const credits = decision.writeOffs.length ? await detectCreditBalances(tx, [input.claimId], new Map(), at, 'system') : [];
        return { patientId, facts, decision, creditBalanceIds: credits.map((credit) => credit.creditBalanceId) };
      });
      const { patientId, facts, decision, creditBalanceIds } = decided;
      await startCreditBalanceWorkflows(creditBalanceIds);

      let statementsWorkflowId: string | null = null;
      if (decision.billable > 0) {
        statementsWorkflowId = patientStatementsWorkflowId(patientId);
        await client().workflow.signalWithStart<typeof patientStatementsWorkflow, [{ claimId: string }]>('patientStatementsWorkflow', {
          workflowId: statementsWorkflowId,
          taskQueue: Context.current().info.taskQueue,
          args: [{ patientId }],
          signal: patientShareBilled,
          signalArgs: [{ claimId: input.claimId }],
          staticSummary: `Patient ${patientId}: statements every 30 days while a balance is owed`,
        });
      }
      return {
        claimId: input.claimId,
        patientId,
        balance: facts.balance,
        dualEligible: facts.dualEligible,
        writtenOff: decision.writeOffs,
        billed: decision.billable,
        outcome: decision.billable > 0 ? 'statements' : decision.writeOffs.length ? 'written-off' : 'nothing-owed',
        statementsWorkflowId,
        creditBalanceIds,
      };
    },

    /** What the patient owes on each claim of the account now, with the configured settings the cycle applies. */
    async loadPatientAccount(input: {
      patientId: string;
      claimIds: string[];
    }): Promise<{ owed: Record<string, number>; settings: StatementSettings }> {
      return { owed: await owedOn(input.claimIds), settings };
    },

    /**
     * Renders the statement of the listed balances as they stand and stores it with its PDF.
     * The id is the workflow's: a retry finds the row and renders nothing. Nothing is stored
     * (`issued: false`) when the balances were paid in the meantime.
     */
    async issuePatientStatement(input: {
      statementId: string;
      patientId: string;
      notice: number;
      finalNotice: boolean;
      /** The balances listed, each with its own place in its series. */
      balances: Array<{ claimId: string; finalNotice: boolean }>;
      statementOn: string;
      dueOn: string;
      asOf: string;
    }): Promise<{ issued: boolean; statementId: string; sequence: number; amountDue: number }> {
      const [stored] = await db
        .select({ amountDue: patientStatements.amountDue, sequence: patientStatements.sequence })
        .from(patientStatements)
        .where(eq(patientStatements.id, input.statementId));
      if (stored) return { issued: true, statementId: input.statementId, ...stored };

      // Numbered across the patient's runs: one workflow at a time writes a patient's statements.
      const [last] = await db
        .select({ sequence: max(patientStatements.sequence) })
        .from(patientStatements)
        .where(eq(patientStatements.patientId, input.patientId));
      const sequence = (last?.sequence ?? 0) + 1;
      const content = await statementContent(db, supplier, { ...input, sequence });
      if (content.amountDue <= 0) return { issued: false, statementId: input.statementId, sequence, amountDue: 0 };
      const pdf = await renderStatementPdf(content);
      await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(patientStatements)
          .values({
            id: input.statementId,
            patientId: input.patientId,
            cycle: input.notice,
            sequence,
            statementOn: input.statementOn,
            dueOn: input.dueOn,
            amountDue: content.amountDue,
            claimIds: content.claims.map((claim) => claim.claimId),
            pdf,
            createdAt: new Date(input.asOf),
          })
          .onConflictDoNothing()
          .returning({ id: patientStatements.id });
        if (inserted)
          await recordAudit(tx, {
            actor: 'system',
            action: 'patient-statement.issued',
            entityType: 'patient',
            entityId: input.patientId,
            detail: { statementId: input.statementId, cycle: input.notice, amountDue: content.amountDue, dueOn: input.dueOn },
          });
      });
      return { issued: true, statementId: input.statementId, sequence, amountDue: content.amountDue };
    },

    /** Writes off what the patient still owes on each claim, with the reason (small balance, unpaid after the final notice). */
    async writeOffPatientBalances(input: { claimIds: string[]; key: string; reason: string; asOf: string }): Promise<{ writtenOff: number }> {
      const at = new Date(input.asOf);
      return db.transaction(async (tx) => {
        const balances = await balancesOf(tx, input.claimIds);
        let writtenOff = 0;
        for (const claimId of input.claimIds) {
          const owed = balances.get(claimId)?.patient ?? 0;
          if (owed <= 0) continue;
          const [entry] = await tx
            .insert(ledgerEntries)
            .values({
              entryKey: `patient-statements:${input.key}:${claimId}`,
              claimId,
              party: 'patient',
              kind: 'write-off',
              amount: -owed,
              reason: input.reason,
              actor: 'system',
              at,
            })
            .onConflictDoNothing()
            .returning({ amount: ledgerEntries.amount });
          if (!entry) continue;
          writtenOff += owed;
          await recordAudit(tx, {
            actor: 'system',
            action: 'claim.patient-balance-written-off',
            entityType: 'claim',
            entityId: claimId,
            detail: { amount: owed, reason: input.reason },
          });
        }
        return { writtenOff };
      });
    },

    /** A staff task about the account, under its first claim (and that claim's order) so the claim's tasks show it. */
    async openPatientAccountTask(input: {
      taskKey: string;
      taskId: string;
      claimIds: string[];
      kind: string;
      title: string;
      dueOn?: string;
      asOf: string;
    }): Promise<void> {
      const [claim] = await db.select({ id: claims.id, orderId: claims.orderId }).from(claims).where(eq(claims.id, input.claimIds[0]));
      await db
        .insert(tasks)
        .values({
          id: input.taskId,
          taskKey: input.taskKey,
          orderId: claim?.orderId ?? null,
          claimId: claim?.id ?? null,
          role: 'biller',
          kind: input.kind,
          title: input.title,
          dueAt: input.dueOn ? new Date(`${input.dueOn}T00:00:00Z`) : null,
          createdAt: new Date(input.asOf),
        })
        .onConflictDoNothing({ target: tasks.taskKey });
    },
  };
}

export type StatementActivities = ReturnType<typeof createStatementActivities>;

/** What describes the patient's own balance on a statement, from a patient ledger entry. */
function activityOf(entry: { kind: string; amount: number; reason: string | null; at: Date }): StatementClaim['activity'][number] | undefined {
  const on = /received (\d{4}-\d{2}-\d{2})/.exec(entry.reason ?? '')?.[1] ?? entry.at.toISOString().slice(0, 10);
  switch (entry.kind) {
    case 'patient-payment':
      return { on, what: 'Payment received', amount: entry.amount };
    case 'write-off':
      return {
        on,
        what: entry.reason?.startsWith('dual eligible')
          ? 'Adjustment: Medicare deductible and coinsurance you do not owe (Medicaid)'
          : entry.reason?.startsWith('small balance')
            ? 'Adjustment: small balance'
            : 'Adjustment',
        amount: entry.amount,
      };
    case 'refund':
      return { on, what: 'Refund to you', amount: entry.amount };
    case 'applied-credit':
      return { on, what: entry.amount < 0 ? 'Credit applied from another claim' : 'Credit applied to another claim', amount: entry.amount };
    default:
      // Shares assigned by payers are shown with each payer.
      return undefined;
  }
}

const zipPlus4 = (zip: string) => (zip.length === 9 ? `${zip.slice(0, 5)}-${zip.slice(5)}` : zip);
const phoneOf = (digits: string) => (digits.length === 10 ? `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` : digits);

/** Everything the statement shows, read as the balances stand now. */
async function statementContent(
  db: Db,
  supplier: SupplierIdentity,
  input: {
    patientId: string;
    sequence: number;
    notice: number;
    finalNotice: boolean;
    balances: Array<{ claimId: string; finalNotice: boolean }>;
    statementOn: string;
    dueOn: string;
  },
): Promise<StatementContent> {
  const claimIds = input.balances.map((balance) => balance.claimId);
  const [[patient], claimRows, lines, payments, cas, entries, payerRows] = await Promise.all([
    db.select().from(patients).where(eq(patients.id, input.patientId)),
    db.select().from(claims).where(inArray(claims.id, claimIds)),
    db
      .select()
      .from(claimLines)
      .where(and(inArray(claimLines.claimId, claimIds), eq(claimLines.voided, false)))
      .orderBy(asc(claimLines.lineNumber)),
    db.select().from(claimPayments).where(inArray(claimPayments.claimId, claimIds)),
    db
      .select({ claimPaymentId: adjustments.claimPaymentId, groupCode: adjustments.groupCode, amount: adjustments.amount })
      .from(adjustments)
      .innerJoin(claimPayments, eq(claimPayments.id, adjustments.claimPaymentId))
      .where(inArray(claimPayments.claimId, claimIds)),
    db
      .select()
      .from(ledgerEntries)
      .where(and(inArray(ledgerEntries.claimId, claimIds), eq(ledgerEntries.party, 'patient')))
      .orderBy(asc(ledgerEntries.at), asc(ledgerEntries.id)),
    db.select({ id: payers.id, name: payers.name }).from(payers),
  ]);
  if (!patient) throw ApplicationFailure.nonRetryable(`patient ${input.patientId} does not exist`, 'PatientUnknown');
  const payerName = new Map(payerRows.map((row) => [row.id, row.name]));

  const statementClaims: StatementClaim[] = input.balances.flatMap(({ claimId, finalNotice }) => {
    const claim = claimRows.find((row) => row.id === claimId);
    if (!claim) return [];
    const own = entries.filter((entry) => entry.claimId === claimId);
    const owed = sum(own.map((entry) => entry.amount));
    if (owed <= 0) return [];
    const byPayer = new Map<string, { paid: number; adjusted: number; patientResponsibility: number }>();
    for (const payment of payments.filter((row) => row.claimId === claimId)) {
      const payerId = payment.payerId ?? claim.payerId;
      const totals = byPayer.get(payerId) ?? { paid: 0, adjusted: 0, patientResponsibility: 0 };
      totals.paid += payment.paid;
      for (const adjustment of cas.filter((row) => row.claimPaymentId === payment.id)) {
        if (adjustment.groupCode === 'PR') totals.patientResponsibility += adjustment.amount;
        else totals.adjusted += adjustment.amount;
      }
      byPayer.set(payerId, totals);
    }
    return [
      {
        claimId,
        claimNumber: claim.claimNumber,
        serviceFrom: claim.serviceFrom,
        serviceTo: claim.serviceTo,
        finalNotice,
        lines: lines
          .filter((line) => line.claimId === claimId)
          .map((line) => ({
            serviceFrom: line.serviceFrom,
            hcpcs: line.hcpcs,
            modifiers: line.modifiers,
            description: catalogEntry(defaultCatalog, line.hcpcs)?.description ?? line.hcpcs,
            units: line.units,
            charge: line.charge,
          })),
        charge: claim.totalCharge,
        payers: [...byPayer].map(([payerId, totals]) => ({ name: payerName.get(payerId) ?? payerId, ...totals })),
        activity: own.flatMap((entry) => activityOf(entry) ?? []),
        owed,
      },
    ];
  });
  const name = [patient.firstName, patient.middleName, patient.lastName].filter(Boolean).join(' ');
  const { address } = supplier.billingProvider;
  return {
    sequence: input.sequence,
    notice: input.notice,
    finalNotice: input.finalNotice,
    statementOn: input.statementOn,
    dueOn: input.dueOn,
    amountDue: sum(statementClaims.map((claim) => claim.owed)),
    account: input.patientId,
    patient: {
      name,
      addressLines: [
        patient.addressLine1,
        ...(patient.addressLine2 ? [patient.addressLine2] : []),
        `${patient.city}, ${patient.state} ${patient.zip}`,
      ],
    },
    supplier: {
      name: supplier.name,
      addressLines: [address.line1, `${address.city}, ${address.state} ${zipPlus4(address.zip)}`],
      phone: phoneOf(supplier.submitter.phone),
    },
    claims: statementClaims,
  };
}
