/**
 * The one follow-up loop of every waiting stage: while what the stage waits for has not
 * happened, remind on a cadence, escalate once, and optionally give up when the window
 * closes (auto-cancel). Durations come from the policy table (domain/follow-up.ts); the
 * waiting itself is the caller's, so the order can block on it and tests can fake it.
 */
import { isBefore } from '../domain/calendar';
import { today, untilDate } from './clock';

export interface FollowUps {
  /** What the stage waits for. */
  done: () => boolean;
  /** Milliseconds between reminders. */
  every: number;
  /** Escalate once when this long has passed without `done`. */
  escalateAfter: number;
  /**
   * Asked only when the escalation falls before the next reminder: true to escalate at the
   * first reminder due after `escalateAfter` instead of on its own day (delivery did, until
   * the 'delivery-escalation-on-time' patch: its orders from before replay that way).
   */
  escalateAtReminder?: () => boolean;
  remind: (count: number) => Promise<void>;
  escalate: () => Promise<void>;
  /** Give up `after` milliseconds from the start: `windowClosed` ends the wait by throwing. */
  autoCancel?: { after: number; windowClosed: () => never };
  /**
   * A day that cuts the wait short (an affirmation lapsing), looked up before each wait;
   * once it has come, `reached` runs instead of that round's reminder.
   */
  interrupt?: { on: () => string | undefined; reached: () => Promise<void> };
}

/** Waits until `done()` (true) or `timeoutMs` has passed (false). */
export type Wait = (done: () => boolean, timeoutMs: number) => Promise<boolean>;

export async function followUpUntilDone(options: FollowUps, wait: Wait): Promise<void> {
  const started = Date.now();
  let reminders = 0;
  let escalated = false;
  while (!options.done()) {
    const elapsed = Date.now() - started;
    const { autoCancel, interrupt } = options;
    const interruptOn = interrupt?.on();
    let next = options.every;
    const untilEscalation = Math.max(1, options.escalateAfter - elapsed);
    if (!escalated && untilEscalation < next && !options.escalateAtReminder?.()) next = untilEscalation;
    if (autoCancel) next = Math.min(next, Math.max(1, autoCancel.after - elapsed));
    if (interruptOn) next = Math.min(next, untilDate(interruptOn));
    if (await wait(options.done, next)) break;
    const waited = Date.now() - started;
    if (autoCancel && waited >= autoCancel.after) autoCancel.windowClosed();
    if (interrupt && interruptOn && !isBefore(today(), interruptOn)) {
      await interrupt.reached();
    } else if (!escalated && waited >= options.escalateAfter) {
      escalated = true;
      await options.escalate();
    } else {
      reminders += 1;
      await options.remind(reminders);
    }
  }
}
