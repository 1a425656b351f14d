/**
 * Receivables fixtures: claims written straight to the database the way the order
 * workflow's activities store them (an order, its patient and coverage, the claim and
 * its lines, submitted, with the 837P the real builder makes of them), and real 835 text
 * built from a compact description — CLPs with
 * their CAS, SVC lines with REF*6R and AMT*B6, PLB — so posting tests and the posting
 * benchmark exercise parse, balance and post exactly as a payer's file would.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import {
  claimLines,
  claimPayers,
  claims,
  coverages,
  orderItems,
  orders,
  patients,
  payers,
  prescribers,
  type ClaimPayerStatus,
} from '../../db/schema';
import type { Db } from '../../db/client';
import { build837P, type ClaimFilingIndicator } from '../../domain/x12';

export interface SeededPatientOrder {
  orderId: string;
  patientId: string;
  itemId: string;
  /** The order's coverage: the claim's primary. */
  coverageId: string;
}

/** A payer after the primary on a claim (claim_payers), from a coverage of the patient's made for it. */
export interface LaterPayerSpec {
  level: 'secondary' | 'tertiary';
  payerId: string;
  /** pending unless given (a crossover or our own 837P moves it on). */
  status?: ClaimPayerStatus;
}

/** A patient in `state` with a coverage and one order of one item. */
export async function seedPatientOrder(db: Db, options: { payerId?: string; state?: string; patientId?: string } = {}): Promise<SeededPatientOrder> {
  let patientId = options.patientId;
  if (!patientId) {
    const [patient] = await db
      .insert(patients)
      .values({
        firstName: 'Pat',
        lastName: 'Ledger',
        birthDate: '1950-04-01',
        sex: 'F',
        addressLine1: '1 Elm St',
        city: 'Columbus',
        state: options.state ?? 'OH',
        zip: '43215',
        createdBy: 'test',
      })
      .returning({ id: patients.id });
    patientId = patient.id;
  }
  const [coverage] = await db
    .insert(coverages)
    .values({
      patientId,
      payerId: options.payerId ?? 'medicare-jb',
      memberId: `M${randomUUID().slice(0, 8)}`,
      priority: 'primary',
      relationship: 'self',
      createdBy: 'test',
    })
    .returning({ id: coverages.id });
  await db.insert(prescribers).values({ npi: '1987654328', firstName: 'Olivia', lastName: 'Ordering' }).onConflictDoNothing();
  const orderId = randomUUID();
  await db.insert(orders).values({
    id: orderId,
    patientId,
    coverageId: coverage.id,
    payerId: options.payerId ?? 'medicare-jb',
    prescriberNpi: '1987654328',
    orderDate: '2026-01-02',
    diagnoses: ['G4733'],
    workflowId: `order-${orderId}`,
    createdBy: 'test',
  });
  const itemId = randomUUID();
  await db.insert(orderItems).values({ id: itemId, orderId, lineNumber: 1, hcpcs: 'E0601', quantity: 1, acquisition: 'rental', unitCharge: 15_000 });
  return { orderId, patientId, itemId, coverageId: coverage.id };
}

export interface ClaimLineSpec {
  hcpcs: string;
  modifiers: string[];
  charge: number;
  units?: number;
  rentalMonth?: number;
  serviceFrom?: string;
}

export interface StoredClaim {
  claimId: string;
  claimNumber: string;
  orderId: string;
  totalCharge: number;
  lines: Array<ClaimLineSpec & { id: string; lineControlNumber: string; serviceFrom: string }>;
}

const claimNumberOf = (claimId: string) => `DME${claimId.replace(/-/g, '').slice(0, 17).toUpperCase()}`;

/**
 * Claims as prepareClaim and submitClaim leave them: submitted, with line control numbers,
 * their 837P, and their payers in claim_payers (the primary, submitted, then any later
 * `payers`, each on a coverage of the patient's at that priority); rows inserted in batches.
 */
export async function insertClaims(
  db: Db,
  specs: Array<{
    order: SeededPatientOrder;
    lines: ClaimLineSpec[];
    payerId?: string;
    submittedAt?: Date;
    correctsClaimId?: string;
    status?: 'submitted' | 'accepted';
    payers?: LaterPayerSpec[];
  }>,
): Promise<StoredClaim[]> {
  const stored: StoredClaim[] = specs.map((spec, index) => {
    const claimId = randomUUID();
    const claimNumber = claimNumberOf(claimId);
    return {
      claimId,
      claimNumber,
      orderId: spec.order.orderId,
      totalCharge: spec.lines.reduce((total, line) => total + line.charge, 0),
      lines: spec.lines.map((line, lineIndex) => ({
        ...line,
        id: randomUUID(),
        lineControlNumber: `${claimNumber}-${lineIndex + 1}`,
        // Each claim bills its own period of the item: the database refuses a period billed twice.
        serviceFrom: line.serviceFrom ?? dayAfter('2026-01-05', index * 10 + lineIndex),
      })),
    };
  });
  const sentAs = await claim837Builder(db);
  for (let start = 0; start < stored.length; start += 1_000) {
    const batch = stored.slice(start, start + 1_000);
    const x12s = await Promise.all(
      batch.map((claim, offset) => sentAs(claim, specs[start + offset].order, specs[start + offset].payerId ?? 'medicare-jb', start + offset + 1)),
    );
    await db.insert(claims).values(
      batch.map((claim, offset) => {
        const spec = specs[start + offset];
        const from = claim.lines.map((line) => line.serviceFrom).sort()[0];
        return {
          id: claim.claimId,
          orderId: claim.orderId,
          claimNumber: claim.claimNumber,
          payerId: spec.payerId ?? 'medicare-jb',
          serviceFrom: from,
          serviceTo: from,
          totalCharge: claim.totalCharge,
          correctsClaimId: spec.correctsClaimId ?? null,
          status: spec.status ?? 'accepted',
          interchangeControlNumber: String(start + offset + 1),
          x12: x12s[offset],
          submittedAt: spec.submittedAt ?? new Date('2026-01-10T12:00:00Z'),
        };
      }),
    );
    await db.insert(claimLines).values(
      batch.flatMap((claim, offset) =>
        claim.lines.map((line, lineIndex) => ({
          id: line.id,
          claimId: claim.claimId,
          lineNumber: lineIndex + 1,
          itemId: specs[start + offset].order.itemId,
          hcpcs: line.hcpcs,
          modifiers: line.modifiers,
          units: line.units ?? 1,
          charge: line.charge,
          serviceFrom: line.serviceFrom,
          serviceTo: line.serviceFrom,
          rentalMonth: line.rentalMonth ?? null,
          lineControlNumber: line.lineControlNumber,
          side: `${start + offset}:${lineIndex}`,
        })),
      ),
    );
    await db.insert(claimPayers).values(
      batch.map((claim, offset) => {
        const spec = specs[start + offset];
        return {
          claimId: claim.claimId,
          level: 'primary' as const,
          payerId: spec.payerId ?? 'medicare-jb',
          coverageId: spec.order.coverageId,
          status: 'submitted' as const,
          interchangeControlNumber: String(start + offset + 1),
          submittedAt: spec.submittedAt ?? new Date('2026-01-10T12:00:00Z'),
        };
      }),
    );
    for (const [offset, claim] of batch.entries()) {
      const spec = specs[start + offset];
      for (const later of spec.payers ?? []) {
        const [coverage] = await db
          .insert(coverages)
          .values({
            patientId: spec.order.patientId,
            payerId: later.payerId,
            memberId: `${later.level.slice(0, 1).toUpperCase()}${randomUUID().slice(0, 8)}`,
            priority: later.level,
            relationship: 'self',
            createdBy: 'test',
          })
          .returning({ id: coverages.id });
        await db
          .insert(claimPayers)
          .values({ claimId: claim.claimId, level: later.level, payerId: later.payerId, coverageId: coverage.id, status: later.status ?? 'pending' });
      }
    }
  }
  return stored;
}

/** The supplier on the fixtures' 837Ps, the payee of build835's remittances. */
const fixtureSupplier = {
  organizationName: 'Durable DME Supply LLC',
  npi: '1234567893',
  taxId: '12-3456789',
  address: { line1: '100 Main St', city: 'Columbus', state: 'OH', zip: '43215-1234' },
};

/**
 * The 837P of a stored claim, as activities/orders.ts builds it: the order's patient (the
 * subscriber: coverages here are the patient's own), member id, prescriber and diagnoses,
 * the claim's payer and lines. Each order is read once.
 */
async function claim837Builder(db: Db) {
  const payerRows = new Map((await db.select().from(payers)).map((payer) => [payer.id, payer]));
  const orderRows = new Map<
    string,
    Promise<{ patient: typeof patients.$inferSelect; memberId: string; prescriber: typeof prescribers.$inferSelect; diagnoses: string[] }>
  >();
  const orderOf = (orderId: string) => {
    if (!orderRows.has(orderId)) {
      orderRows.set(
        orderId,
        db
          .select({ patient: patients, memberId: coverages.memberId, prescriber: prescribers, diagnoses: orders.diagnoses })
          .from(orders)
          .innerJoin(patients, eq(patients.id, orders.patientId))
          .innerJoin(coverages, eq(coverages.id, orders.coverageId))
          .innerJoin(prescribers, eq(prescribers.npi, orders.prescriberNpi))
          .where(eq(orders.id, orderId))
          .then(([row]) => row),
      );
    }
    return orderRows.get(orderId)!;
  };
  return async (claim: StoredClaim, order: SeededPatientOrder, payerId: string, controlNumber: number): Promise<string> => {
    const { patient, memberId, prescriber, diagnoses } = await orderOf(order.orderId);
    const payer = payerRows.get(payerId)!;
    return build837P({
      interchange: {
        senderQualifier: 'ZZ',
        senderId: 'DURABLEDME',
        receiverQualifier: 'ZZ',
        receiverId: 'SANDBOX',
        controlNumber,
        date: '2026-01-10',
        time: '12:00',
        usage: 'T',
      },
      submitter: { name: fixtureSupplier.organizationName, id: 'DURABLEDME', contactName: 'Billing Desk', phone: '614-555-0100' },
      receiver: { name: 'DURABLE DME SANDBOX', id: 'SANDBOX' },
      billingProvider: fixtureSupplier,
      subscriber: {
        lastName: patient.lastName,
        firstName: patient.firstName,
        ...(patient.middleName ? { middleName: patient.middleName } : {}),
        birthDate: patient.birthDate,
        sex: patient.sex,
        address: {
          line1: patient.addressLine1,
          ...(patient.addressLine2 ? { line2: patient.addressLine2 } : {}),
          city: patient.city,
          state: patient.state,
          zip: patient.zip,
        },
        memberId,
      },
      payer: { name: payer.name, id: payer.ediPayerId, claimFilingIndicator: payer.claimFilingIndicator as ClaimFilingIndicator },
      claim: { patientControlNumber: claim.claimNumber, totalCharge: claim.totalCharge, frequencyCode: '1', diagnoses },
      orderingProvider: { npi: prescriber.npi, lastName: prescriber.lastName, firstName: prescriber.firstName },
      lines: claim.lines.map((line) => ({
        itemId: order.itemId,
        hcpcs: line.hcpcs,
        modifiers: line.modifiers,
        units: line.units ?? 1,
        charge: line.charge,
        serviceFrom: line.serviceFrom,
        serviceTo: line.serviceFrom,
        diagnosisPointers: [1],
        lineControlNumber: line.lineControlNumber,
        ...(line.rentalMonth ? { rentalMonth: line.rentalMonth } : {}),
      })),
    });
  };
}

function dayAfter(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

export interface Cas {
  group: 'CO' | 'PR' | 'OA' | 'PI';
  reason: string;
  amount: number;
}

export interface SvcSpec {
  hcpcs: string;
  modifiers?: string[];
  charge: number;
  paid: number;
  units?: number;
  lineControlNumber?: string;
  serviceDate?: string;
  allowed?: number;
  adjustments: Cas[];
  remarks?: string[];
}

export interface ClpSpec {
  pcn: string;
  /** CLP02: 1/2/3 processed as primary/secondary/tertiary, 19/20/21 the same and forwarded, 4 denied, 22 reversal. */
  status?: string;
  /** CLP06 claim filing indicator: MB (Medicare Part B) unless given; MC Medicaid, CI commercial. */
  filingIndicator?: string;
  charge: number;
  paid: number;
  /** CLP05; the sum of the PR adjustments unless given. */
  patientResponsibility?: number;
  icn: string;
  adjustments?: Cas[];
  remarks?: string[];
  lines: SvcSpec[];
}

export interface RemittanceSpec {
  trace: string;
  /** 1000A REF*2U; CGS Jurisdiction B's EDI payer id (the payer insertClaims sends to) unless given; null sends none (SMCD1 State Medicaid, ACME1 Acme). */
  payerIdNumber?: string | null;
  /** 1000A N102. */
  payerName?: string;
  paidOn?: string;
  claims: ClpSpec[];
  plb?: Array<{ reason: string; reference: string; amount: number }>;
  /** BPR02; Σ paid − Σ PLB unless given (give it wrong to build an unbalanced file). */
  paymentAmount?: number;
}

const dollars = (cents: number) => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${whole}${rest ? `.${String(rest).padStart(2, '0').replace(/0$/, '')}` : ''}`;
};

function casSegments(adjustments: Cas[]): string[] {
  const out: string[] = [];
  for (const group of ['CO', 'PR', 'OA', 'PI'] as const) {
    const mine = adjustments.filter((adjustment) => adjustment.group === group);
    for (let start = 0; start < mine.length; start += 6) {
      out.push(
        ['CAS', group, ...mine.slice(start, start + 6).flatMap((adjustment) => [adjustment.reason, dollars(adjustment.amount), ''])]
          .join('*')
          .replace(/\*+$/, ''),
      );
    }
  }
  return out;
}

/** A balanced (unless told otherwise) 005010X221A1 835 as a payer sends it. */
export function build835(spec: RemittanceSpec): string {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const payment = spec.paymentAmount ?? sum(spec.claims.map((claim) => claim.paid)) - sum((spec.plb ?? []).map((plb) => plb.amount));
  const paidOn = (spec.paidOn ?? '2026-02-13').replace(/-/g, '');
  const body: string[] = [
    `BPR*I*${dollars(payment)}*C*ACH*CCP*01*041000124*DA*1234567890*1123456789**01*044000037*DA*9876543210*${paidOn}`,
    `TRN*1*${spec.trace}*1123456789`,
    `N1*PR*${spec.payerName ?? 'CGS JURISDICTION B'}`,
    'N3*PO BOX 20010',
    'N4*NASHVILLE*TN*372020010',
    ...(spec.payerIdNumber === null ? [] : [`REF*2U*${spec.payerIdNumber ?? '17003'}`]),
    'PER*BL*EDI SUPPORT*TE*8665909598',
    'N1*PE*DURABLE DME SUPPLY LLC*XX*1234567893',
    'REF*TJ*123456789',
    'LX*1',
  ];
  for (const clp of spec.claims) {
    const pr =
      clp.patientResponsibility ??
      sum([...(clp.adjustments ?? []), ...clp.lines.flatMap((line) => line.adjustments)].filter((a) => a.group === 'PR').map((a) => a.amount));
    body.push(
      `CLP*${clp.pcn}*${clp.status ?? '1'}*${dollars(clp.charge)}*${dollars(clp.paid)}*${dollars(pr)}*${clp.filingIndicator ?? 'MB'}*${clp.icn}*12*1`,
    );
    body.push(...casSegments(clp.adjustments ?? []));
    body.push('NM1*QC*1*LEDGER*PAT****MI*1EG4TE5MK73');
    if (clp.remarks?.length) body.push(`MOA***${clp.remarks.join('*')}`);
    for (const svc of clp.lines) {
      body.push(`SVC*HC:${[svc.hcpcs, ...(svc.modifiers ?? [])].join(':')}*${dollars(svc.charge)}*${dollars(svc.paid)}**${svc.units ?? 1}`);
      body.push(`DTM*472*${(svc.serviceDate ?? '2026-01-05').replace(/-/g, '')}`);
      body.push(...casSegments(svc.adjustments));
      if (svc.lineControlNumber) body.push(`REF*6R*${svc.lineControlNumber}`);
      if (svc.allowed !== undefined) body.push(`AMT*B6*${dollars(svc.allowed)}`);
      if (svc.remarks?.length) body.push(`LQ*HE*${svc.remarks.join('~LQ*HE*')}`);
    }
  }
  if (spec.plb?.length)
    body.push(['PLB', '1234567893', '20261231', ...spec.plb.flatMap((plb) => [`${plb.reason}:${plb.reference}`, dollars(plb.amount)])].join('*'));
  const segments = ['ST*835*0001', ...body];
  segments.push(`SE*${segments.length + 1}*0001`);
  return [
    'ISA*00*          *00*          *ZZ*CGSJB17013     *ZZ*DURABLEDME     *260213*0600*^*00501*000000452*0*T*:',
    'GS*HP*CGSJB17013*DURABLEDME*20260213*0600*452*X*005010X221A1',
    ...segments,
    'GE*1*452',
    'IEA*1*000000452',
  ]
    .map((segment) => `${segment}~`)
    .join('\n');
}
