/**
 * Waiting on state with a deadline, without ever cancelling a timer.
 *
 * `condition(fn, timeout)` cancels its timer when `fn` comes true first. A timer that fires in
 * the same instant (a claim's signal and the mailbox's weekly look, a follow-up at midnight and a
 * rental anniversary) races that cancel: the real server drops the buffered fire and records the
 * cancel, but the Java time-skipping test server appends the fire to the history while the
 * workflow task is out and then refuses the task's CancelTimer ("invalid history builder state
 * for action") and never sends the task again, so the workflow stops for good (sdk-java #2606,
 * #3088). Our day-aligned deadlines made that collision common: about one rental test in ten hung,
 * and a clean CI run failed on it.
 *
 * So a deadline here is a timer that is left to fire: one per distinct instant (waits for the
 * same anniversary share it), kept out of cancellation, firing into a workflow task that has
 * nothing to do when the state it guarded has already moved on. That costs one empty workflow
 * task per deadline that was beaten, and leaves no CancelTimer command to race.
 *
 * Runs started before this change cancelled their timers; they replay the old way (the patch).
 */
import { CancellationScope, condition, patched, sleep } from '@temporalio/workflow';

const patchId = 'deadline-timers-not-cancelled';

export interface Deadlines {
  /** Waits until `done()` holds (true) or `timeoutMs` from now has passed (false). */
  waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean>;
  /** False in runs that started before timers were kept (they cancel, as they always did). */
  keepsTimers(): boolean;
}

export function createDeadlines(): Deadlines {
  const timers = new Map<number, { fired: boolean }>();
  const timerAt = (at: number) => {
    let timer = timers.get(at);
    if (!timer) {
      const created = { fired: false };
      timer = created;
      timers.set(at, created);
      void CancellationScope.nonCancellable(() => sleep(at - Date.now())).then(() => {
        created.fired = true;
        timers.delete(at);
      });
    }
    return timer;
  };
  return {
    keepsTimers: () => patched(patchId),
    async waitUntil(done, timeoutMs) {
      if (!patched(patchId)) return condition(done, timeoutMs);
      if (done()) return true;
      const timer = timerAt(Date.now() + Math.max(1, Math.ceil(timeoutMs)));
      await condition(() => done() || timer.fired);
      return done();
    },
  };
}
