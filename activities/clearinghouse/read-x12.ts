/**
 * Reading the X12 the supplier sends, for the clearinghouse adapters. The domain
 * parsers' messages quote element values, which in a 270, 276 or 837 can be a birth
 * date or a member id; errors leaving an adapter keep the problem's code and segment
 * position only, so nothing of the patient reaches Temporal history or logs. The
 * error stays an X12Error, which the activities' boundary fails as X12_INVALID.
 */
import { parseX12, X12Error, type X12Interchange } from '../../domain/x12';

export function readX12(what: string, x12: string): X12Interchange {
  try {
    return parseX12(x12);
  } catch (error) {
    if (!(error instanceof X12Error)) throw error;
    throw new X12Error(
      error.issues.map((issue) => ({
        code: issue.code,
        message: `the ${what} is not readable X12: ${issue.code}${issue.segment ? ` at segment ${issue.segment.position} (${issue.segment.id})` : ''}`,
        ...(issue.segment ? { segment: issue.segment } : {}),
      })),
    );
  }
}
