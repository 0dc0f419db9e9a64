import type { SchedulerLike } from 'rxjs';

/**
 * The RxJS scheduler every timer (long-poll timeouts, heartbeats, pings) runs
 * on. Production uses `asyncScheduler`; tests may inject a virtual one.
 */
export const RX_SCHEDULER = Symbol('RX_SCHEDULER');
export type RxScheduler = SchedulerLike;
