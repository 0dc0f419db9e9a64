import { InjectionToken, Provider } from '@angular/core';
import type { TransportOptions } from '@herald/client';

/** Everything the dashboard's services can be tuned with. */
export interface DashboardConfig {
  /**
   * Herald's origin. Default: the page's own origin — the API serves the built
   * dashboard, and `nx serve dashboard` proxies `/api` and `/ws` to it.
   */
  baseUrl: string;
  /** SDK options shared by the four transports (everything but `baseUrl`). */
  transport: Omit<TransportOptions, 'baseUrl'>;
  /** Events each panel keeps (newest first); older ones are dropped. */
  maxEvents: number;
  /** How often each panel re-reads its transport's counters (they are also re-read on every delivery). */
  statsRefreshMs: number;
  /** How far back the latency series reaches. */
  latencyWindowMs: number;
  /** Most latency samples kept per transport, whatever the window. */
  maxLatencyPoints: number;
  /** How often the topic list (and so the API's reachability) is refreshed. */
  topicsRefreshMs: number;
  /** A topic-list request with no answer after this long counts as the API being unreachable. */
  topicsTimeoutMs: number;
}

/**
 * Defaults for a dashboard watching a local or nearby server. Reconnect backoff is
 * capped lower than the SDK's 30 s so an operator sees a restarted server picked up
 * within a few seconds.
 */
export function defaultDashboardConfig(baseUrl: string): DashboardConfig {
  return {
    baseUrl,
    transport: { backoff: { initialMs: 250, maxMs: 4_000 } },
    maxEvents: 50,
    statsRefreshMs: 500,
    latencyWindowMs: 60_000,
    maxLatencyPoints: 600,
    topicsRefreshMs: 2_000,
    topicsTimeoutMs: 5_000,
  };
}

function pageOrigin(): string {
  const origin = globalThis.location?.origin;
  return origin && /^https?:\/\//.test(origin) ? origin : 'http://127.0.0.1:3000';
}

export const DASHBOARD_CONFIG = new InjectionToken<DashboardConfig>('DASHBOARD_CONFIG', {
  providedIn: 'root',
  factory: () => defaultDashboardConfig(pageOrigin()),
});

/** Overrides some of the defaults (the rest keep their default values). */
export function provideDashboardConfig(overrides: Partial<DashboardConfig>): Provider {
  return {
    provide: DASHBOARD_CONFIG,
    useFactory: (): DashboardConfig => {
      const defaults = defaultDashboardConfig(overrides.baseUrl ?? pageOrigin());
      return { ...defaults, ...overrides, transport: { ...defaults.transport, ...overrides.transport } };
    },
  };
}
