/**
 * 837P coordination-of-benefits claims written by hand from the 005010X222A1 structure
 * (its COB example, "Example 3", is the model): the envelope and the levels every claim
 * has are filled in here; what makes a claim a COB claim — the 2000B SBR, the 2010BA
 * subscriber and 2010BB payer, each 2320/2330A/2330B other payer and each line's 2430 —
 * is given by the test as the X12 segments themselves, so a test reads like the file.
 */

export interface CobLine {
  /** SV1, e.g. `SV1*HC:E0601:RR:KH:KX*150*UN*1*12**1`. */
  sv1: string;
  /** DTP*472, e.g. `DTP*472*RD8*20240301-20240331`. */
  serviceDate: string;
  /** The 2430 loops: SVD, CAS…, DTP*573 of each payer that adjudicated the line. */
  adjudications?: string[];
}

export interface CobClaim {
  /** ISA13 / GS06; the sandbox keys files by it. */
  controlNumber: number;
  /** CLM01. */
  patientControlNumber: string;
  /** CLM02: the sum of the lines' SV102. */
  totalCharge: string;
  /** 2000B SBR: `SBR*S*18*******CI`. */
  sbr: string;
  /** 2010BA NM1*IL: `NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73`. */
  subscriber: string;
  /** 2010BB NM1*PR: `NM1*PR*2*CGS JURISDICTION B*****PI*17003`. */
  payer: string;
  /** Each other payer's 2320/2330A/2330B segments, in order. */
  otherPayers?: string[][];
  lines: CobLine[];
}

/** The interchange for one claim: 1000A/1000B, the billing provider, the subscriber (who is the patient), the claim. */
export function cobClaimFile(claim: CobClaim): { controlNumber: string; x12: string } {
  const isa13 = String(claim.controlNumber).padStart(9, '0');
  const st02 = String(claim.controlNumber).padStart(4, '0');
  const body = [
    `ST*837*${st02}*005010X222A1`,
    `BHT*0019*00*${isa13}*20240301*0930*CH`,
    'NM1*41*2*DURABLE DME SUPPLY*****46*DDME01',
    'PER*IC*BILLING DESK*TE*6145551234',
    'NM1*40*2*SANDBOX CLEARINGHOUSE*****46*SANDBOXCH',
    'HL*1**20*1',
    'NM1*85*2*DURABLE DME SUPPLY LLC*****XX*1234567893',
    'N3*100 MAIN ST',
    'N4*COLUMBUS*OH*432151234',
    'REF*EI*311234567',
    'HL*2*1*22*0',
    claim.sbr,
    claim.subscriber,
    'N3*5 ELM ST',
    'N4*COLUMBUS*OH*43215',
    'DMG*D8*19400506*F',
    claim.payer,
    `CLM*${claim.patientControlNumber}*${claim.totalCharge}***12:B:1*Y*A*Y*Y`,
    'HI*ABK:G4733',
    ...(claim.otherPayers ?? []).flat(),
    ...claim.lines.flatMap((line, i) => [
      `LX*${i + 1}`,
      line.sv1,
      line.serviceDate,
      `REF*6R*${claim.patientControlNumber}-${i + 1}`,
      'NM1*DK*1*SMITH*JOHN****XX*1245319599',
      ...(line.adjudications ?? []),
    ]),
  ];
  const segments = [
    `ISA*00*          *00*          *ZZ*DURABLEDME     *ZZ*SANDBOXCH      *240301*0930*^*00501*${isa13}*0*T*:`,
    `GS*HC*DURABLEDME*SANDBOXCH*20240301*0930*${claim.controlNumber}*X*005010X222A1`,
    ...body,
    `SE*${body.length + 1}*${st02}`,
    `GE*1*${claim.controlNumber}`,
    `IEA*1*${isa13}`,
  ];
  return { controlNumber: String(claim.controlNumber), x12: segments.map((s) => `${s}~`).join('') };
}
