import type { AuthOptions } from './auth/auth-options';
import { validateAuthOptions } from './auth/credentials';
import { BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { systemTimers, Timers } from './timers';
import type { EventSourceConstructor } from './sse/event-source-like';
import type { WebSocketConstructor } from './ws/web-socket-like';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Options every transport takes; only `baseUrl` is required. */
export interface TransportOptions {
  /** Herald's origin (and path prefix, if any), e.g. `https://herald.example.com`. The API lives under `/api`. */
  baseUrl: string;
  /**
   * Credentials for a server with authentication on: a JWT or a provider of
   * JWTs (`token`), or a service's `apiKey`. See `AuthOptions` and the README's
   * "Authentication" section for how each transport sends them.
   */
  auth?: AuthOptions;
  /** WebSocket URL; default: `baseUrl` with `http` → `ws` plus `/ws`. */
  wsUrl?: string;
  /** WebSocket constructor; default: the global one (browsers, Node 22+). Node 20: pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** EventSource constructor; default: the global one (browsers). Node: pass `eventsource`'s. */
  EventSource?: EventSourceConstructor;
  /** fetch implementation; default: the global one. */
  fetch?: FetchLike;
  /** Reconnect backoff bounds (full jitter); default 500 ms doubling up to 30 s. */
  backoff?: Partial<BackoffOptions>;
  /**
   * A link with no sign of life for this long is considered dead and replaced
   * (WS: no frame — a ping is sent at half this; SSE: no `open` while
   * connecting). Default 40 000 ms; keep it above the server's heartbeat interval.
   */
  heartbeatTimeoutMs?: number;
  /** Short poll: wait between polls when nothing new arrived (default 1 000 ms). */
  pollIntervalMs?: number;
  /** Long poll: the `timeout` asked of the server, at most 60 000 (default 25 000 ms). */
  longPollTimeoutMs?: number;
  /** HTTP requests (and WS publishes) with no answer after this long fail as `timeout`; long polls get this on top of their wait. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Events per poll / long-poll answer (server default when omitted). */
  limit?: number;
  /**
   * Failed attempts before a subscription that never opened gives up with a
   * `HeraldError` of code `unavailable`. Default: never give up. Auto mode sets it.
   */
  connectAttempts?: number;
  /** Latency samples kept for the p50/p95 statistics (default 256). */
  latencySamples?: number;
  /** Source of randomness for backoff jitter (default `Math.random`). */
  random?: () => number;
  /** Clock and timers (default the platform's). */
  timers?: Timers;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  baseUrl: string;
  auth: AuthOptions | undefined;
  wsUrl: string;
  WebSocket: WebSocketConstructor | undefined;
  EventSource: EventSourceConstructor | undefined;
  fetch: FetchLike;
  backoff: BackoffOptions;
  heartbeatTimeoutMs: number;
  pollIntervalMs: number;
  longPollTimeoutMs: number;
  requestTimeoutMs: number;
  limit: number | undefined;
  connectAttempts: number;
  latencySamples: number;
  random: () => number;
  timers: Timers;
}

export function resolveOptions(options: TransportOptions): ResolvedOptions {
  if (typeof options.baseUrl !== 'string' || !/^https?:\/\//i.test(options.baseUrl)) {
    throw new TypeError(`baseUrl must be an absolute http(s) URL (got ${JSON.stringify(options.baseUrl)})`);
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const globals = globalThis as { WebSocket?: WebSocketConstructor; EventSource?: EventSourceConstructor; fetch?: FetchLike };
  const fetchImpl = options.fetch ?? (globals.fetch ? (input: string, init?: RequestInit) => globalThis.fetch(input, init) : undefined);
  if (!fetchImpl) throw new TypeError('no fetch available: pass options.fetch');
  return {
    baseUrl,
    auth: validateAuthOptions(options.auth),
    wsUrl: options.wsUrl ?? baseUrl.replace(/^http/i, 'ws') + '/ws',
    WebSocket: options.WebSocket ?? globals.WebSocket,
    EventSource: options.EventSource ?? globals.EventSource,
    fetch: fetchImpl,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    heartbeatTimeoutMs: positive(options.heartbeatTimeoutMs, 40_000),
    pollIntervalMs: positive(options.pollIntervalMs, 1_000),
    longPollTimeoutMs: Math.min(positive(options.longPollTimeoutMs, 25_000), 60_000),
    requestTimeoutMs: positive(options.requestTimeoutMs, 10_000),
    limit: options.limit,
    connectAttempts: positive(options.connectAttempts, Infinity),
    latencySamples: positive(options.latencySamples, 256),
    random: options.random ?? Math.random,
    timers: options.timers ?? systemTimers,
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && value >= 0 && !Number.isNaN(value) ? value : fallback;
}
