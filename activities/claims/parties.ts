/**
 * Who a claim names for a coverage (837P 2010BA subscriber, 2000C/2010CA patient): the
 * patient is the subscriber on their own coverage (SBR02 18, the Medicare case);
 * otherwise the coverage's subscriber is, and the patient is their dependent.
 */
import type { coverages, patients } from '../../db/schema';
import type { PatientRelationship } from '../../domain/x12/claim837p';
import type { PersonInput } from '../../domain/x12/input';

type CoverageRow = typeof coverages.$inferSelect;

/** The patient as a claim names them, at the address the claim is routed by. */
export function personOf(
  patient: Pick<typeof patients.$inferSelect, 'lastName' | 'firstName' | 'middleName' | 'birthDate' | 'sex'>,
  address: PersonInput['address'],
): PersonInput {
  return {
    lastName: patient.lastName,
    firstName: patient.firstName,
    ...(patient.middleName ? { middleName: patient.middleName } : {}),
    birthDate: patient.birthDate,
    sex: patient.sex as PersonInput['sex'],
    address,
  };
}

export function partiesOf(
  patientPerson: PersonInput,
  coverage: Pick<CoverageRow, 'relationship' | 'subscriber' | 'memberId' | 'groupNumber'>,
): {
  subscriber: PersonInput & { memberId: string; groupNumber?: string };
  patient?: PersonInput & { relationshipToSubscriber: PatientRelationship };
} {
  const group = coverage.groupNumber ? { groupNumber: coverage.groupNumber } : {};
  if (coverage.relationship === 'self' || !coverage.subscriber) return { subscriber: { ...patientPerson, memberId: coverage.memberId, ...group } };
  return {
    subscriber: {
      ...patientPerson,
      ...coverage.subscriber,
      sex: coverage.subscriber.sex as PersonInput['sex'],
      memberId: coverage.memberId,
      ...group,
    },
    patient: {
      ...patientPerson,
      relationshipToSubscriber: coverage.relationship === 'spouse' ? '01' : coverage.relationship === 'child' ? '19' : 'G8',
    },
  };
}
