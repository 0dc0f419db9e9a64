import { InjectionToken } from '@angular/core';

/** Wall-clock time for the dashboard's own measurements (receive time, latency, ages). Tests inject a manual one. */
export interface DashboardClock {
  /** Epoch milliseconds. */
  now(): number;
}

export const DASHBOARD_CLOCK = new InjectionToken<DashboardClock>('DASHBOARD_CLOCK', {
  providedIn: 'root',
  factory: () => ({ now: () => Date.now() }),
});
