/**
 * `npm run bench:x12`: how fast our X12 layer is at the volumes a DME supplier sees.
 *
 *   1. an 835 with 10,000 balanced claims: parse and balance it with parse835;
 *   2. node-x12's X12Parser on the same text, raw parse only (no typed model, no
 *      balancing), as the reference the tokenizer decision was made against;
 *   3. build 10,000 837P claims with build837P.
 *
 * Prints claims per second for each and ends with `ratio: R`, our parse-and-balance
 * time divided by node-x12's raw parse time (below 1 means we are faster while doing
 * more). Each measurement is the median of a few runs after a warm-up, bounded by a
 * time budget so the whole run stays well under a minute on 2 cores.
 */
import { X12Parser } from 'node-x12';
import type { ClaimLine } from '../domain/types';
import { build837P, parse835, type Claim837Input } from '../domain/x12';

const CLAIMS = 10_000;
const RUNS = 5;
const BUDGET_MS = 12_000;

/** Deterministic pseudo-random numbers so every run benchmarks the same file. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const dollars = (cents: number) => (cents / 100).toFixed(2);

/** An 835 in the shape of a DME MAC remittance: one or two lines a claim, CO-45/CO-253/PR-1/PR-2, REF*6R, AMT*B6, LQ*HE, a PLB. */
function remittanceWithClaims(count: number): { text: string; paid: number } {
  const next = random(42);
  const body: string[] = [];
  let claimsPaid = 0;
  for (let c = 1; c <= count; c++) {
    const pcn = `C${String(c).padStart(7, '0')}`;
    const lines = next() < 0.3 ? 2 : 1;
    const claimSegments: string[] = [];
    let charge = 0;
    let paid = 0;
    let patient = 0;
    for (let l = 1; l <= lines; l++) {
      const lineCharge = 5_000 + Math.floor(next() * 200_000);
      const allowed = Math.floor(lineCharge * (0.55 + next() * 0.3));
      const deductible = next() < 0.2 ? Math.min(allowed, 24_000) : 0;
      const coinsurance = Math.round((allowed - deductible) * 0.2);
      const medicare = allowed - deductible - coinsurance;
      const sequestration = Math.round(medicare * 0.02);
      const linePaid = medicare - sequestration;
      charge += lineCharge;
      paid += linePaid;
      patient += deductible + coinsurance;
      claimSegments.push(
        `SVC*HC:E0601:RR:KJ:KX*${dollars(lineCharge)}*${dollars(linePaid)}**1`,
        'DTM*150*20240301',
        'DTM*151*20240331',
        `CAS*CO*45*${dollars(lineCharge - allowed)}**253*${dollars(sequestration)}`,
        deductible > 0 ? `CAS*PR*1*${dollars(deductible)}**2*${dollars(coinsurance)}` : `CAS*PR*2*${dollars(coinsurance)}`,
        `REF*6R*${pcn}-${l}`,
        `AMT*B6*${dollars(allowed)}`,
        'LQ*HE*N130',
      );
    }
    claimsPaid += paid;
    body.push(
      `CLP*${pcn}*1*${dollars(charge)}*${dollars(paid)}*${dollars(patient)}*MB*2406200${String(c).padStart(7, '0')}*12*1`,
      `NM1*QC*1*DOE${c}*JANE****MI*1EG4TE5MK73`,
      ...claimSegments,
    );
  }
  const recovery = 2_500;
  const header = [
    'ST*835*0001',
    `BPR*I*${dollars(claimsPaid - recovery)}*C*ACH*CCP*01*041000124*DA*1234567890*1123456789**01*044000037*DA*9876543210*20240415`,
    'TRN*1*EFT0012345*1123456789',
    'N1*PR*CGS JURISDICTION B',
    'N3*PO BOX 20010',
    'N4*NASHVILLE*TN*372020010',
    'PER*BL*EDI SUPPORT*TE*8665909598',
    'N1*PE*DURABLE DME SUPPLY LLC*XX*1234567893',
    'LX*1',
  ];
  const segments = [...header, ...body, `PLB*1234567893*20241231*WO:24062000000099*${dollars(recovery)}`];
  const text = [
    'ISA*00*          *00*          *ZZ*CGSJB17013     *ZZ*DURABLEDME     *240412*0600*^*00501*000000451*0*P*:',
    'GS*HP*CGSJB17013*DURABLEDME*20240412*0600*451*X*005010X221A1',
    ...segments,
    `SE*${segments.length + 1}*0001`,
    'GE*1*451',
    'IEA*1*000000451',
  ].join('~\n');
  return { text: `${text}~\n`, paid: claimsPaid - recovery };
}

function claimInput(n: number): Claim837Input {
  const month = (n % 13) + 1;
  const pricing = month === 1 ? 'KH' : month <= 3 ? 'KI' : 'KJ';
  const line: ClaimLine = {
    itemId: `item-${n}`,
    hcpcs: 'E0601',
    modifiers: ['RR', pricing, 'KX'],
    units: 1,
    charge: 10_350,
    serviceFrom: '2024-03-01',
    serviceTo: '2024-03-31',
    diagnosisPointers: [1],
    rentalMonth: month,
  };
  return {
    interchange: {
      senderQualifier: 'ZZ',
      senderId: 'DURABLEDME',
      receiverQualifier: 'ZZ',
      receiverId: 'CGSCEDI',
      controlNumber: n,
      date: '2024-03-01',
      time: '09:30',
      usage: 'P',
    },
    submitter: { name: 'Durable DME Supply', id: 'DDME01', contactName: 'Billing Desk', phone: '6145551234' },
    receiver: { name: 'CGS Administrators', id: '15004' },
    billingProvider: {
      organizationName: 'Durable DME Supply LLC',
      npi: '1234567893',
      taxId: '31-1234567',
      address: { line1: '100 Main St', city: 'Columbus', state: 'OH', zip: '43215-1234' },
    },
    subscriber: {
      memberId: '1EG4TE5MK73',
      lastName: 'Doe',
      firstName: 'Jane',
      birthDate: '1940-05-06',
      sex: 'F',
      address: { line1: '5 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
    },
    payer: { name: 'CGS Jurisdiction B', id: '17013', claimFilingIndicator: 'MB' },
    claim: { patientControlNumber: `CPAP${n}-M${month}`, totalCharge: 10_350, frequencyCode: '1', diagnoses: ['G47.33'] },
    orderingProvider: { npi: '1245319599', lastName: 'Smith', firstName: 'John' },
    lines: [line],
  };
}

/** Median wall time of up to RUNS runs after one warm-up, stopping early when the budget is spent. */
function measure(run: () => void): { ms: number; runs: number } {
  run();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < RUNS && performance.now() - started < BUDGET_MS) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], runs: times.length };
}

const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000).toLocaleString('en-US');

function main(): void {
  const { text, paid } = remittanceWithClaims(CLAIMS);
  const [check] = parse835(text);
  if (check.claims.length !== CLAIMS || check.paymentAmount !== paid) throw new Error('the generated 835 did not read back as generated');
  console.log(
    `835: ${CLAIMS.toLocaleString('en-US')} claims, ${check.claims.reduce((n, c) => n + c.lines.length, 0).toLocaleString('en-US')} lines, ${(text.length / 1_048_576).toFixed(1)} MiB`,
  );

  const ours = measure(() => parse835(text));
  console.log(`parse835 (parse + balance): ${ours.ms.toFixed(1)} ms, ${perSecond(CLAIMS, ours.ms)} claims/s (median of ${ours.runs})`);

  const reference = measure(() => new X12Parser().parse(text));
  console.log(
    `node-x12 X12Parser.parse (raw): ${reference.ms.toFixed(1)} ms, ${perSecond(CLAIMS, reference.ms)} claims/s (median of ${reference.runs})`,
  );

  const inputs = Array.from({ length: CLAIMS }, (_, i) => claimInput(i + 1));
  let bytes = 0;
  const build = measure(() => {
    bytes = 0;
    for (const input of inputs) bytes += build837P(input).length;
  });
  console.log(
    `build837P: ${CLAIMS.toLocaleString('en-US')} claims in ${build.ms.toFixed(1)} ms, ${perSecond(CLAIMS, build.ms)} claims/s (median of ${build.runs}, ${(bytes / 1_048_576).toFixed(1)} MiB)`,
  );

  console.log(`ratio: ${(ours.ms / reference.ms).toFixed(2)}`);
}

main();
