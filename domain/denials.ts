/**
 * What to do about a denial (DOMAIN.md §11–§12), decided from the 835's adjustment
 * group and reason code (CARC) and the remark codes (RARC). One table, read top to
 * bottom; the first matching row wins. Codes not in the table are sent to appeal:
 * an unexplained denial keeps its appeal rights until a biller decides otherwise.
 */
import type { AdjustmentGroup } from './x12';

/** Appeal levels the claim workflow runs (later levels — ALJ, Council, court — are a human decision). */
export const appealLevels = ['reopening', 'redetermination', 'reconsideration'] as const;
export type AppealLevel = (typeof appealLevels)[number];

/** The level after a lost one: a revised determination after a reopening is appealed by redetermination. */
export function nextAppealLevel(level: AppealLevel): AppealLevel | undefined {
  if (level === 'reopening') return 'redetermination';
  if (level === 'redetermination') return 'reconsideration';
  return undefined;
}

export type DenialAction = 'fix-and-resubmit' | 'reopening' | 'appeal' | 'write-off' | 'patient-billing';

/** How one CAS adjustment is treated: contractual and patient shares are normal posting, the rest are denials. */
export type AdjustmentTreatment = 'contractual' | 'patient-responsibility' | DenialAction;

export interface AdjustmentCode {
  group: AdjustmentGroup;
  /** CARC, e.g. '50'. */
  reason: string;
}

export interface Classification {
  treatment: AdjustmentTreatment;
  /** For the biller's task: what the code means and what to do. */
  explanation: string;
  /** What an appeal needs before it is filed. */
  prerequisite?: 'obtain-prior-auth' | 'check-same-or-similar';
}

/**
 * CO/OA/PI reasons that are the contract working as agreed, not a denial: the amount
 * is written off at posting and never billed to the patient. 45 charge above the fee
 * schedule, 253 sequestration, 42 above the maximum allowable (retired, still sent),
 * 94 processed in excess of charges, 131 negotiated discount, 23 the prior payer's
 * adjudication (secondary claims).
 */
const contractualReasons: readonly string[] = ['45', '253', '42', '94', '131', '23'];

/** PR reasons that are the patient's ordinary share: 1 deductible, 2 coinsurance, 3 copay. */
const patientShareReasons: readonly string[] = ['1', '2', '3'];

interface Rule {
  matches: (code: AdjustmentCode, remarkCodes: readonly string[]) => boolean;
  classification: Classification;
}

const reason =
  (...reasons: string[]) =>
  (code: AdjustmentCode) =>
    reasons.includes(code.reason);

/** The classification table (DOMAIN.md §12). Order matters: the first matching row wins. */
const rules: Rule[] = [
  {
    matches: (code) => code.group === 'PR' && patientShareReasons.includes(code.reason),
    classification: { treatment: 'patient-responsibility', explanation: 'deductible, coinsurance or copay: the patient owes it' },
  },
  {
    matches: (code) => code.group === 'PR',
    classification: {
      treatment: 'patient-billing',
      explanation: 'denied as the patient’s responsibility (e.g. non-covered with an ABN on file): bill the patient',
    },
  },
  {
    matches: reason(...contractualReasons),
    classification: { treatment: 'contractual', explanation: 'contractual adjustment: written off, never billed to the patient' },
  },
  {
    // MA130: "contains incomplete and/or invalid information, and no appeal rights are afforded".
    matches: (code, remarks) => code.reason === '16' || remarks.includes('MA130'),
    classification: {
      treatment: 'fix-and-resubmit',
      explanation: 'unprocessable (CARC 16 / MA130): fix the missing or invalid data and send a new claim',
    },
  },
  {
    matches: reason('4'),
    classification: {
      treatment: 'fix-and-resubmit',
      explanation: 'modifier inconsistent with the procedure: correct the modifiers and send a new claim',
    },
  },
  {
    matches: reason('109'),
    classification: {
      treatment: 'fix-and-resubmit',
      explanation: 'not this payer or contractor: correct the coverage and send the claim to the right one',
    },
  },
  {
    matches: reason('125', '146', '181', '182', '189'),
    classification: {
      treatment: 'reopening',
      explanation: 'clerical error in a processed claim (code, modifier, diagnosis or date): ask for a reopening within 1 year',
    },
  },
  {
    matches: (code, remarks) => code.reason === '150' && remarks.includes('M3'),
    classification: {
      treatment: 'appeal',
      explanation: 'same or similar equipment (150 + M3): check the patient’s history; appeal with a narrative or write off',
      prerequisite: 'check-same-or-similar',
    },
  },
  {
    matches: reason('197'),
    classification: {
      treatment: 'appeal',
      explanation: 'prior authorization absent: obtain the prior authorization, then appeal or rebill per payer rules',
      prerequisite: 'obtain-prior-auth',
    },
  },
  {
    matches: reason('50'),
    classification: { treatment: 'appeal', explanation: 'not medically necessary: appeal with the medical records (redetermination)' },
  },
  {
    matches: reason('151'),
    classification: { treatment: 'appeal', explanation: 'frequency or units above what the policy allows: appeal with documentation of need' },
  },
  {
    matches: reason('150', '167', '11'),
    classification: { treatment: 'appeal', explanation: 'the documentation or diagnosis does not support the service: appeal with the records' },
  },
  {
    matches: reason('29'),
    classification: { treatment: 'write-off', explanation: 'timely filing limit passed: write off (not billable to the patient)' },
  },
  {
    matches: reason('18'),
    classification: { treatment: 'write-off', explanation: 'duplicate of a claim already processed: check the original was paid, then write off' },
  },
  {
    matches: reason('97'),
    classification: { treatment: 'write-off', explanation: 'included in another service (e.g. repair during a rental): write off' },
  },
  { matches: reason('B7'), classification: { treatment: 'write-off', explanation: 'supplier not eligible on the date of service: write off' } },
  {
    matches: reason('96', '204'),
    classification: { treatment: 'write-off', explanation: 'non-covered with no patient liability (no ABN): write off' },
  },
];

const fallback: Classification = {
  treatment: 'appeal',
  explanation: 'denial code not in the classification table: review it, appeal if it is wrong, otherwise write it off',
};

/** How one adjustment (group + CARC) is treated, given the remark codes of its line or claim. */
export function classifyAdjustment(code: AdjustmentCode, remarkCodes: readonly string[] = []): Classification {
  return rules.find((rule) => rule.matches(code, remarkCodes))?.classification ?? fallback;
}

/** True for adjustments that are a denial (an amount left open until someone acts). */
export function isDenial(code: AdjustmentCode, remarkCodes: readonly string[] = []): boolean {
  const { treatment } = classifyAdjustment(code, remarkCodes);
  return treatment !== 'contractual' && treatment !== 'patient-responsibility';
}

export interface DeniedAdjustment extends AdjustmentCode {
  amount: number;
  /** The remark codes of the line (LQ*HE) or claim (MOA) it came with. */
  remarkCodes: readonly string[];
}

export interface DenialDecision {
  action: DenialAction;
  /** The denied amount this action is about (cents). */
  amount: number;
  /** Group-reason codes and remark codes, e.g. ['CO-50', 'N115']. */
  codes: string[];
  explanation: string;
  prerequisite?: Classification['prerequisite'];
}

/** Which action leads when a claim carries several denials: a new claim replaces everything, a write-off is the last resort. */
const precedence: DenialAction[] = ['fix-and-resubmit', 'reopening', 'appeal', 'write-off', 'patient-billing'];

/**
 * The actions a claim's denials call for, leading action first, each with the amount
 * and codes it covers. A claim the payer paid in part is never replaced by a new
 * claim (that would bill the paid lines twice): its unprocessable lines go to a
 * reopening, the way DME MACs correct processed claims.
 */
export function denialDecisions(denied: readonly DeniedAdjustment[], options: { claimPaid: number }): DenialDecision[] {
  const byAction = new Map<DenialAction, DenialDecision>();
  for (const adjustment of denied) {
    if (adjustment.amount === 0) continue;
    const classification = classifyAdjustment(adjustment, adjustment.remarkCodes);
    let action = classification.treatment;
    if (action === 'contractual' || action === 'patient-responsibility') continue;
    let explanation = classification.explanation;
    if (action === 'fix-and-resubmit' && options.claimPaid > 0) {
      action = 'reopening';
      explanation = `${classification.explanation}; the claim was paid in part, so ask for a reopening of the processed claim instead`;
    }
    const decision = byAction.get(action) ?? {
      action,
      amount: 0,
      codes: [],
      explanation,
      ...(classification.prerequisite ? { prerequisite: classification.prerequisite } : {}),
    };
    decision.amount += adjustment.amount;
    for (const code of [`${adjustment.group}-${adjustment.reason}`, ...adjustment.remarkCodes]) {
      if (!decision.codes.includes(code)) decision.codes.push(code);
    }
    if (!decision.prerequisite && classification.prerequisite) decision.prerequisite = classification.prerequisite;
    byAction.set(action, decision);
  }
  return precedence.flatMap((action) => (byAction.has(action) ? [byAction.get(action)!] : []));
}
