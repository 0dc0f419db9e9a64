/** An opaque handle returned by `Timers.setTimeout`. */
export type TimerHandle = unknown;

/**
 * The clock and timers every transport uses. The default is the platform's
 * (`setTimeout` / `Date.now`, present in browsers and Node alike); tests
 * inject a manual clock so backoff, heartbeats and poll intervals run without
 * real waiting.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Wall-clock epoch milliseconds (compared with envelope `ts` for latency). */
  now(): number;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => Date.now(),
};
