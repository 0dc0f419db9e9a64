import { Subscription } from 'rxjs';
import type { SchedulerLike } from 'rxjs';

/** The longest delay a Node timer holds (about 24.8 days); a longer one fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `work` once at `at` (ms since the epoch, on `Date.now()`'s clock) on `scheduler`, or at once
 * when that has passed. Delays longer than a timer holds are waited in steps, so credentials that
 * expire in a month end their connection in a month, not now. Unsubscribing cancels it.
 */
export function scheduleAt(scheduler: SchedulerLike, at: number, work: () => void): Subscription {
  const scheduled = new Subscription();
  const arm = (): void => {
    const left = Math.max(0, at - Date.now());
    scheduled.add(scheduler.schedule(left > MAX_TIMER_MS ? arm : work, Math.min(left, MAX_TIMER_MS)));
  };
  arm();
  return scheduled;
}
