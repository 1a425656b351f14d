/**
 * A 277CA (005010X214) accepting each of our claims, as a payer's front end sends it: for
 * tests and benchmarks that feed the mailbox a file of their own.
 */
import { write277CA } from '../../activities/clearinghouse/sandbox-x12';

export function acceptingClaimAcknowledgement(claims: ReadonlyArray<{ claimNumber: string; serviceFrom?: string }>, controlNumber: number): string {
  return write277CA(
    {
      senderQualifier: 'ZZ',
      senderId: 'CLEARINGHOUSE',
      receiverQualifier: 'ZZ',
      receiverId: 'DURABLEDME',
      applicationSender: 'CLEARINGHOUSE',
      applicationReceiver: 'DURABLEDME',
      usage: 'T',
    },
    controlNumber,
    {
      source: { name: 'CGS ADMINISTRATORS', id: '17013' },
      submitter: { name: 'DURABLE DME', id: 'DURABLEDME' },
      batchReference: String(controlNumber),
      receivedOn: '2026-12-01',
      processedAt: new Date('2026-12-01T12:00:00Z'),
      claims: claims.map((claim, index) => ({
        patientControlNumber: claim.claimNumber,
        payerClaimNumber: `2226335${String(index).padStart(7, '0')}`,
        charge: 15_000,
        serviceFrom: claim.serviceFrom ?? '2026-11-01',
        serviceTo: claim.serviceFrom ?? '2026-11-01',
        billingProvider: { name: 'DURABLE DME', npi: '1234567893' },
        patient: { lastName: 'STANDIN', memberId: '1EG4TE5MK73' },
        status: { accepted: true as const },
      })),
    },
  );
}
