/**
 * The sandbox clearinghouse (DESIGN.md "Clearinghouse"): a simulated payer behind a
 * simulated clearinghouse that answers with real X12 — a 271 and a 277 at once, the
 * 999 and 277CA of a claim file after the acknowledgement delay, the 835 after the
 * remittance delay — and whose test triggers (SANDBOX_TRIGGERS, README.md) reach every
 * branch of the order and claim workflows. Claims with other payers are coordinated as
 * README.md "Coordination of benefits" says (SANDBOX_COB_TRIGGERS): a Medicare payer
 * crosses claims over to the payers our payer table marks `medicareCrossover`, and the
 * payer crossed over to answers with its own 835 one remittance delay after Medicare's.
 *
 * Time comes from the caller only (`asOf`, the workflow's clock): a time-skipping test
 * skips the delays, and the same call gives the same answer. State lives in Postgres
 * (`sandbox_claims`), so answers survive a restart and each is handed out until
 * confirmed.
 */
import { and, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { payers, sandboxClaims } from '../../db/schema';
import { payerPolicy, type PayerKind, type PayerPolicy } from '../../domain/payer-policy';
import type { FeeSchedule } from '../../domain/pricing';
import type { Clearinghouse, CollectResult, InboundFile, OutboundFile } from './types';
import { payersStillToPay, type OtherPayer } from './sandbox-cob';
import { forwardedClaim } from './sandbox-crossover';
import {
  adjudicate,
  claimInquiries,
  claimStatusLevels,
  eligibilityLevels,
  frontEndRejection,
  payerKindOf,
  readClaims,
  readInquiry,
  readStoredClaim,
  sampleFeeSchedule,
  sandboxOutcome,
  type ClaimStatusAnswer,
  type CrossoverPayer,
  type PayerClaim,
} from './sandbox-payer';
import { derivedControlNumber, write271, write277, write277CA, write835, write999, type ResponseEnvelope } from './sandbox-x12';

export interface SandboxOptions {
  db: Db;
  /** From receipt of a claim file to its 999 and 277CA (SANDBOX_ACKNOWLEDGEMENT_DELAY). */
  acknowledgementDelayMs: number;
  /** From receipt of a claim to its 835 (SANDBOX_REMITTANCE_DELAY). */
  remittanceDelayMs: number;
  /** Prices claims; the shipped sample of the CMS DMEPOS fee schedule by default. */
  feeSchedule?: FeeSchedule;
}

type Row = typeof sandboxClaims.$inferSelect;

interface StoredClaim {
  row: Row;
  claim: PayerClaim;
}

/**
 * Payer claim numbers (ICNs): "1" + the file's 9-digit control number + the claim's
 * 4-digit position in the file, so the same file always gets the same numbers and
 * storing it twice stores nothing new. The first digit says which processing of the
 * claim the number belongs to: 1 as the supplier sent it, 2 the second processing of
 * the duplicate-payment trigger, 3 and 4 the claim as Medicare crossed it over to the
 * first and the second crossover payer.
 */
function payerClaimNumber(fileControlNumber: string, position: number): string {
  return `1${fileControlNumber}${String(position).padStart(4, '0')}`;
}

const processing = { sent: '1', secondPayment: '2', firstCrossover: '3', secondCrossover: '4' } as const;

const isSent = (claimNumber: string) => claimNumber.startsWith(processing.sent);
const renumbered = (claimNumber: string, as: (typeof processing)[keyof typeof processing]) => `${as}${claimNumber.slice(1)}`;

/** Our payer table as far as the sandbox Medicare needs it: by EDI payer id, the kind and whether Medicare crosses claims over to it. */
type CrossoverDirectory = Map<string, { kind: PayerKind; medicareCrossover: boolean }>;

async function crossoverDirectory(db: Pick<Db, 'select'>): Promise<CrossoverDirectory> {
  const rows = await db.select({ ediPayerId: payers.ediPayerId, kind: payers.kind, settings: payers.settings }).from(payers);
  const directory: CrossoverDirectory = new Map();
  for (const row of rows) {
    const { medicareCrossover } = payerPolicy(row.kind, row.settings as Partial<PayerPolicy>);
    // Two of our payers under one EDI id: Medicare crosses over if either says so.
    directory.set(row.ediPayerId, {
      kind: row.kind,
      medicareCrossover: medicareCrossover || Boolean(directory.get(row.ediPayerId)?.medicareCrossover),
    });
  }
  return directory;
}

/** The payers after the claim's level that Medicare crosses it over to (PayerPolicy.medicareCrossover), in payer order. */
function crossoverPayersOf(claim: PayerClaim, directory: CrossoverDirectory): OtherPayer[] {
  return payersStillToPay(claim).filter((other) => directory.get(other.payer.id)?.medicareCrossover);
}

/** The payers a claim to Medicare is forwarded to, as its 835 names them. */
function medicareCrossovers(claim: PayerClaim, directory: CrossoverDirectory): CrossoverPayer[] {
  if (payerKindOf(claim.filingIndicator) !== 'medicare') return [];
  return crossoverPayersOf(claim, directory).map((other) => ({ ...other.payer, kind: directory.get(other.payer.id)!.kind }));
}

/** ISA13 as the interface passes it ("42" or "000000042") → the 9 digits the sandbox keys files by. */
function fileKey(controlNumber: string): string {
  if (!/^\d{1,9}$/.test(controlNumber) || Number(controlNumber) === 0) {
    throw new Error(`claim file control number "${controlNumber}" is not an ISA13 (1 to 9 digits, not zero)`);
  }
  return controlNumber.padStart(9, '0');
}

/** The answers to a claim file come back through the clearinghouse the file went to: sender and receiver swapped. */
function answerEnvelope(claim: PayerClaim): ResponseEnvelope {
  const e = claim.envelope;
  return {
    senderQualifier: e.receiverQualifier,
    senderId: e.receiverId,
    receiverQualifier: e.senderQualifier,
    receiverId: e.senderId,
    applicationSender: e.applicationReceiver,
    applicationReceiver: e.applicationSender,
    usage: e.usage,
  };
}

const ACK_PREFIX = 'sandbox-999-';
const CLAIM_ACK_PREFIX = 'sandbox-277CA-';
const REMITTANCE_PREFIX = 'sandbox-835-';

export function createSandboxClearinghouse(options: SandboxOptions): Clearinghouse {
  const { db, acknowledgementDelayMs, remittanceDelayMs } = options;
  const schedule = () => options.feeSchedule ?? sampleFeeSchedule();
  const acknowledgementDue = (row: Row) => new Date(row.receivedAt.getTime() + acknowledgementDelayMs);
  const remittanceDue = (row: Row) => new Date(row.receivedAt.getTime() + remittanceDelayMs);
  const stored = (row: Row): StoredClaim => ({ row, claim: readStoredClaim(row.x12) });
  const rejected = (claim: PayerClaim) => frontEndRejection(claim) !== undefined;
  const acknowledged = (claim: PayerClaim) => {
    const rejection = frontEndRejection(claim);
    return rejection ? { accepted: false as const, ...rejection } : { accepted: true as const };
  };
  /** The payer's decision; a claim the supplier sent to Medicare names the payers Medicare forwards it to. */
  const decisionOn = ({ row, claim }: StoredClaim, directory: CrossoverDirectory) =>
    adjudicate(claim, schedule(), isSent(row.claimNumber) ? medicareCrossovers(claim, directory) : []);

  /** The claims paid together: one payer, received at the same instant (so due together). */
  const batchKey = ({ row, claim }: StoredClaim) => `${claim.payer.id}|${row.receivedAt.getTime()}`;

  /** The 835 trace number (check number) of a batch: from its first payer claim number. */
  const traceNumber = (claimNumbers: string[]) => `SBX${[...claimNumbers].sort()[0]}`;

  function acknowledgementFiles(fileControlNumber: string, claims: StoredClaim[]): InboundFile[] {
    const first = claims[0];
    const at = acknowledgementDue(first.row);
    const envelope = answerEnvelope(first.claim);
    const groups = new Map<string, { functionalId: string; groupControlNumber: string; version: string; transactionSets: Map<string, string> }>();
    for (const { claim } of claims) {
      const e = claim.envelope;
      const group = groups.get(e.groupControlNumber) ?? {
        functionalId: e.functionalId,
        groupControlNumber: e.groupControlNumber,
        version: e.version,
        transactionSets: new Map(),
      };
      group.transactionSets.set(e.transactionSetControlNumber, e.transactionSetId);
      groups.set(e.groupControlNumber, group);
    }
    const ack = write999(
      envelope,
      derivedControlNumber(`999:${fileControlNumber}`),
      at,
      [...groups.values()].map((g) => ({ ...g, transactionSets: [...g.transactionSets].map(([controlNumber, id]) => ({ id, controlNumber })) })),
    );
    const claimAck = write277CA(envelope, derivedControlNumber(`277CA:${fileControlNumber}`), {
      source: first.claim.envelope.receiver,
      submitter: first.claim.envelope.submitter,
      batchReference: first.claim.envelope.batchReference,
      receivedOn: first.row.receivedAt.toISOString().slice(0, 10),
      processedAt: at,
      claims: claims.map(({ row, claim }) => ({
        patientControlNumber: claim.patientControlNumber,
        payerClaimNumber: row.claimNumber,
        charge: claim.charge,
        serviceFrom: claim.lines.map((l) => l.serviceFrom).sort()[0],
        serviceTo: claim.lines
          .map((l) => l.serviceTo)
          .sort()
          .at(-1)!,
        billingProvider: { name: claim.billingProvider.name, npi: claim.billingProvider.npi },
        patient: { ...(claim.patient ?? claim.subscriber), memberId: claim.subscriber.memberId },
        status: acknowledged(claim),
      })),
    });
    return [
      { name: `${ACK_PREFIX}${fileControlNumber}`, x12: ack },
      { name: `${CLAIM_ACK_PREFIX}${fileControlNumber}`, x12: claimAck },
    ];
  }

  function remittanceFile(batch: StoredClaim[], directory: CrossoverDirectory): InboundFile {
    const claimNumbers = batch.map((c) => c.row.claimNumber).sort();
    const ordered = claimNumbers.map((n) => batch.find((c) => c.row.claimNumber === n)!);
    const first = ordered[0];
    const trace = traceNumber(claimNumbers);
    const x12 = write835(answerEnvelope(first.claim), derivedControlNumber(`835:${trace}`), {
      payer: first.claim.payer,
      payee: { name: first.claim.billingProvider.name, npi: first.claim.billingProvider.npi },
      traceNumber: trace,
      paidAt: remittanceDue(first.row),
      claims: ordered.map(({ row, claim }) => {
        const adjudication = decisionOn({ row, claim }, directory);
        return {
          patientControlNumber: claim.patientControlNumber,
          status: adjudication.status,
          charge: adjudication.charge,
          paid: adjudication.paid,
          patientResponsibility: adjudication.patientResponsibility,
          filingIndicator: claim.filingIndicator || 'ZZ',
          payerClaimNumber: row.claimNumber,
          placeOfService: claim.placeOfService,
          frequencyCode: claim.frequencyCode,
          receivedOn: row.receivedAt.toISOString().slice(0, 10),
          patient: claim.patient ?? { ...claim.subscriber },
          ...(claim.patient ? { insured: claim.subscriber } : {}),
          ...(adjudication.crossoverCarrier ? { crossoverCarrier: adjudication.crossoverCarrier } : {}),
          remarkCodes: adjudication.remarkCodes,
          lines: adjudication.lines.map((l) => ({
            hcpcs: l.line.hcpcs,
            modifiers: l.line.modifiers,
            charge: l.line.charge,
            paid: l.paid,
            units: l.paid > 0 ? l.line.units : 0,
            serviceFrom: l.line.serviceFrom,
            serviceTo: l.line.serviceTo,
            ...(l.line.lineControlNumber ? { lineControlNumber: l.line.lineControlNumber } : {}),
            ...(l.allowed !== undefined ? { allowed: l.allowed } : {}),
            adjustments: l.adjustments,
            remarkCodes: l.remarkCodes,
          })),
        };
      }),
    });
    // The name lists the claims, so `confirm` marks exactly those handed out.
    return { name: `${REMITTANCE_PREFIX}${claimNumbers.join('+')}`, x12 };
  }

  /**
   * The claim a 276 asks about: by the payer claim number when given, else the latest
   * claim with that CLM01 as the supplier sent it — or, asked by a payer Medicare crossed
   * it over to, as that payer received it.
   */
  async function findClaim(question: {
    payerId?: string;
    payerClaimNumber?: string;
    patientControlNumber?: string;
  }): Promise<StoredClaim | undefined> {
    if (question.payerClaimNumber) {
      const [row] = await db.select().from(sandboxClaims).where(eq(sandboxClaims.claimNumber, question.payerClaimNumber));
      if (row) return stored(row);
    }
    const pcn = question.patientControlNumber;
    if (!pcn) return undefined;
    const escaped = pcn.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await db
      .select()
      .from(sandboxClaims)
      .where(like(sandboxClaims.x12, `%${escaped}%`));
    const withNumber = rows.map(stored).filter((c) => c.claim.patientControlNumber === pcn);
    const atPayer = withNumber.filter((c) => c.claim.payer.id === question.payerId);
    return (atPayer.length > 0 ? atPayer : withNumber).sort(
      (a, b) => Number(isSent(b.row.claimNumber)) - Number(isSent(a.row.claimNumber)) || b.row.receivedAt.getTime() - a.row.receivedAt.getTime(),
    )[0];
  }

  async function statusOf(found: StoredClaim | undefined, asOf: Date): Promise<ClaimStatusAnswer> {
    if (!found) return { kind: 'not-found' };
    const { row, claim } = found;
    const base = { claim, payerClaimNumber: row.claimNumber };
    if (asOf < acknowledgementDue(row)) return { kind: 'received', ...base };
    const rejection = frontEndRejection(claim);
    if (rejection) return { kind: 'rejected', ...base, rejection };
    if (asOf < remittanceDue(row)) return { kind: 'pending', ...base };
    // The check number is the trace of the 835 that paid it: the batch received with it.
    const together = await db.select().from(sandboxClaims).where(eq(sandboxClaims.receivedAt, row.receivedAt));
    const batch = together.map(stored).filter((c) => batchKey(c) === batchKey(found) && !rejected(c.claim));
    return {
      kind: 'finalized',
      ...base,
      adjudication: adjudicate(claim, schedule()),
      adjudicatedOn: remittanceDue(row),
      checkNumber: traceNumber(batch.map((c) => c.row.claimNumber)),
    };
  }

  /**
   * The claims a remittance sets off, "received" when it fell due: the claim again under
   * a second number (duplicate-payment trigger, claims as sent only), and the claim as
   * Medicare crosses it over to its first crossover payer, then — once that payer's 835
   * is out — to the next one, so each sees the payments before its own.
   */
  function afterRemittance(remitted: StoredClaim[], directory: CrossoverDirectory): (typeof sandboxClaims.$inferInsert)[] {
    const rows: (typeof sandboxClaims.$inferInsert)[] = [];
    for (const paid of remitted) {
      const { row, claim } = paid;
      const receivedAt = remittanceDue(row);
      const received = (claimNumber: string, x12: string) => ({
        claimNumber,
        fileControlNumber: row.fileControlNumber,
        receivedAt,
        x12,
        acknowledgedAt: receivedAt,
      });
      if (isSent(row.claimNumber) && sandboxOutcome(claim.subscriber.memberId) === 'duplicate-payment') {
        rows.push(received(renumbered(row.claimNumber, processing.secondPayment), row.x12));
      }
      const crossedOver = row.claimNumber.startsWith(processing.firstCrossover);
      const adjudication = decisionOn(paid, directory);
      const forwards = isSent(row.claimNumber) ? adjudication.crossoverCarrier !== undefined : crossedOver;
      const [next] = forwards ? crossoverPayersOf(claim, directory) : [];
      if (!next) continue;
      const x12 = forwardedClaim(row.x12, next, {
        adjudication,
        payerClaimNumber: row.claimNumber,
        adjudicatedOn: receivedAt.toISOString().slice(0, 10),
      });
      rows.push(received(renumbered(row.claimNumber, crossedOver ? processing.secondCrossover : processing.firstCrossover), x12));
    }
    return rows;
  }

  return {
    name: 'sandbox',

    async checkEligibility(request: OutboundFile, asOf: Date): Promise<string> {
      const inquiry = readInquiry('270 eligibility request', request.x12, '270');
      return write271(
        requestAnswerEnvelope(inquiry.file),
        derivedControlNumber(`271:${inquiry.file.controlNumber}:${request.controlNumber}`),
        asOf,
        inquiry.reference,
        eligibilityLevels(inquiry, asOf),
      );
    },

    async submitClaims(file: OutboundFile, asOf: Date): Promise<void> {
      const key = fileKey(file.controlNumber);
      const received = readClaims(file.x12);
      if (received.length === 0) throw new Error(`claim file ${file.controlNumber} holds no claim (CLM)`);
      const isa13 = received[0].claim.envelope.controlNumber;
      if (Number(isa13) !== Number(key)) {
        throw new Error(
          `claim file ${file.controlNumber}: its ISA13 is ${isa13}; the control number is the idempotency key and must be the file's own`,
        );
      }
      // One statement: a file is stored whole or not at all, and a second copy is a no-op.
      await db
        .insert(sandboxClaims)
        .values(received.map((claim, i) => ({ claimNumber: payerClaimNumber(key, i + 1), fileControlNumber: key, receivedAt: asOf, x12: claim.x12 })))
        .onConflictDoNothing();
    },

    async requestClaimStatus(request: OutboundFile, asOf: Date): Promise<string> {
      const inquiry = readInquiry('276 claim status request', request.x12, '276');
      const answers = new Map<string, ClaimStatusAnswer>();
      for (const question of claimInquiries(inquiry)) answers.set(question.traceNumber, await statusOf(await findClaim(question), asOf));
      return write277(
        requestAnswerEnvelope(inquiry.file),
        derivedControlNumber(`277:${inquiry.file.controlNumber}:${request.controlNumber}`),
        asOf,
        inquiry.reference,
        claimStatusLevels(inquiry, answers, asOf),
      );
    },

    async collect(asOf: Date): Promise<CollectResult> {
      const rows = await db
        .select()
        .from(sandboxClaims)
        .where(or(isNull(sandboxClaims.acknowledgedAt), isNull(sandboxClaims.remittedAt)))
        .orderBy(sandboxClaims.claimNumber);
      const claims = rows.map(stored);
      const later: number[] = [];
      const files: { due: number; file: InboundFile }[] = [];

      const unacknowledged = new Map<string, StoredClaim[]>();
      for (const c of claims) {
        if (c.row.acknowledgedAt) continue;
        unacknowledged.set(c.row.fileControlNumber, [...(unacknowledged.get(c.row.fileControlNumber) ?? []), c]);
      }
      for (const [fileControlNumber, ofFile] of unacknowledged) {
        const due = acknowledgementDue(ofFile[0].row).getTime();
        if (due > asOf.getTime()) later.push(due);
        else for (const file of acknowledgementFiles(fileControlNumber, ofFile)) files.push({ due, file });
      }

      const batches = new Map<string, StoredClaim[]>();
      for (const c of claims) {
        // A claim rejected at the front end never reaches adjudication: no 835.
        if (c.row.remittedAt || rejected(c.claim)) continue;
        const due = remittanceDue(c.row).getTime();
        if (due > asOf.getTime()) later.push(due);
        else batches.set(batchKey(c), [...(batches.get(batchKey(c)) ?? []), c]);
      }
      const directory = batches.size > 0 ? await crossoverDirectory(db) : new Map();
      for (const batch of batches.values()) files.push({ due: remittanceDue(batch[0].row).getTime(), file: remittanceFile(batch, directory) });

      files.sort((a, b) => a.due - b.due);
      return { files: files.map((f) => f.file), nextCheckAt: later.length > 0 ? new Date(Math.min(...later)) : null };
    },

    async confirm(names: string[]): Promise<{ nextCheckAt: Date | null }> {
      /** When the 835s that confirming made due fall due (a crossover payer's, the duplicate payment's second). */
      const scheduled: number[] = [];
      for (const name of names) {
        if (name.startsWith(ACK_PREFIX)) {
          // The 999 and the 277CA of a file are handed out until the 277CA (the later,
          // fuller answer) is confirmed; acknowledgedAt records when they fell due.
          continue;
        }
        if (name.startsWith(CLAIM_ACK_PREFIX)) {
          const fileControlNumber = name.slice(CLAIM_ACK_PREFIX.length);
          await db
            .update(sandboxClaims)
            .set({ acknowledgedAt: sql`${sandboxClaims.receivedAt} + (${acknowledgementDelayMs} * interval '1 millisecond')` })
            .where(and(eq(sandboxClaims.fileControlNumber, fileControlNumber), isNull(sandboxClaims.acknowledgedAt)));
          continue;
        }
        if (name.startsWith(REMITTANCE_PREFIX)) {
          const claimNumbers = name.slice(REMITTANCE_PREFIX.length).split('+');
          await db.transaction(async (tx) => {
            const paid = await tx
              .update(sandboxClaims)
              .set({ remittedAt: sql`${sandboxClaims.receivedAt} + (${remittanceDelayMs} * interval '1 millisecond')` })
              .where(and(inArray(sandboxClaims.claimNumber, claimNumbers), isNull(sandboxClaims.remittedAt)))
              .returning();
            // What the payer does once its 835 went out is "received" then, so its own
            // 835 follows one remittance delay later: the duplicate-payment trigger's
            // second processing, and Medicare's crossover to the next payer.
            const later = paid.length > 0 ? afterRemittance(paid.map(stored), await crossoverDirectory(tx)) : [];
            if (later.length > 0) {
              await tx.insert(sandboxClaims).values(later).onConflictDoNothing();
              scheduled.push(...later.map((row) => row.receivedAt.getTime() + remittanceDelayMs));
            }
          });
          continue;
        }
        throw new Error(`"${name}" is not a document the sandbox clearinghouse handed out`);
      }
      return { nextCheckAt: scheduled.length > 0 ? new Date(Math.min(...scheduled)) : null };
    },
  };
}

/** A 271 or 277 answers the 270/276's sender through the same clearinghouse. */
function requestAnswerEnvelope(file: {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  usage: string;
  groups: { senderCode: string; receiverCode: string }[];
}): ResponseEnvelope {
  return {
    senderQualifier: file.receiverQualifier,
    senderId: file.receiverId,
    receiverQualifier: file.senderQualifier,
    receiverId: file.senderId,
    applicationSender: file.groups[0]?.receiverCode ?? file.receiverId,
    applicationReceiver: file.groups[0]?.senderCode ?? file.senderId,
    usage: file.usage,
  };
}
