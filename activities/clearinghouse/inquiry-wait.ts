/**
 * The running activity's heartbeat and cancellation, for an inquiry that waits on the
 * clearinghouse (types.ts `InquiryWait`). Called outside an activity (a script, a unit
 * test calling the activity function directly) there is nothing to beat: undefined.
 */
import { Context } from '@temporalio/activity';
import type { InquiryWait } from './types';

export function currentInquiryWait(): InquiryWait | undefined {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return undefined;
  }
  return { heartbeat: () => context.heartbeat(), signal: context.cancellationSignal };
}
