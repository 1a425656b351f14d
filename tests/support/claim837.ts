/**
 * 837P test inputs and checks the claim suites share: a complete primary claim to the
 * DME MAC that each test changes where its case differs, the transaction set's segments
 * as read back by our own parser, and pyx12's verdict on the file.
 */
import type { ClaimLine } from '../../domain/types';
import { parseX12, type Claim837Input } from '../../domain/x12';
import { x12valid } from './x12valid';

/** The segments of the one transaction set (ST to SE) as our parser reads them, without terminators: easy to read in assertions. */
export function transactionSegments(x12: string): string[] {
  const set = parseX12(x12).groups[0].transactionSets[0];
  return set.segments.map((s) => s.elements.join('*'));
}

/** Every 837P the suites build goes through pyx12 and must come back without a single error. */
export function expectValid(x12: string): void {
  const result = x12valid(x12);
  if (!result.ok) throw new Error(`x12valid rejected the 837P:\n${result.errors.join('\n')}\n\n${x12.replace(/~/g, '~\n')}`);
}

export function line(overrides: Partial<ClaimLine> & Pick<ClaimLine, 'hcpcs' | 'modifiers' | 'charge'>): ClaimLine {
  return { itemId: `item-${overrides.hcpcs}`, units: 1, serviceFrom: '2024-03-01', serviceTo: '2024-03-01', diagnosisPointers: [1], ...overrides };
}

export function claimInput(pcn: string, lines: ClaimLine[], claim: Partial<Claim837Input['claim']> = {}): Claim837Input {
  return {
    interchange: {
      senderQualifier: 'ZZ',
      senderId: 'DURABLEDME',
      receiverQualifier: 'ZZ',
      receiverId: 'CGSCEDI',
      controlNumber: 42,
      date: '2024-03-01',
      time: '09:30',
      usage: 'T',
    },
    submitter: { name: 'Durable DME Supply', id: 'DDME01', contactName: 'Billing Desk', phone: '614-555-1234', email: 'billing@durabledme.example' },
    receiver: { name: 'CGS Administrators', id: '15004' },
    billingProvider: {
      organizationName: 'Durable DME Supply LLC',
      npi: '1234567893',
      taxId: '31-1234567',
      address: { line1: '100 Main St', line2: 'Suite 4', city: 'Columbus', state: 'OH', zip: '43215-1234' },
      taxonomyCode: '332B00000X',
    },
    subscriber: {
      memberId: '1EG4TE5MK73',
      lastName: 'Doe',
      firstName: 'Jane',
      middleName: 'Q',
      birthDate: '1940-05-06',
      sex: 'F',
      address: { line1: '5 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
    },
    payer: { name: 'CGS Jurisdiction B', id: '17013', claimFilingIndicator: 'MB' },
    claim: { patientControlNumber: pcn, totalCharge: lines.reduce((t, l) => t + l.charge, 0), frequencyCode: '1', diagnoses: ['G47.33'], ...claim },
    orderingProvider: { npi: '1245319599', lastName: 'Smith', firstName: 'John' },
    lines,
  };
}
