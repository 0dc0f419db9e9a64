/** Exponential backoff bounds, in milliseconds. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  initialMs: number;
  /** Largest ceiling any retry may reach. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * "Full jitter" backoff: a delay drawn uniformly from
 * `[0, min(maxMs, initialMs * 2^(attempt - 1)))`, as a whole number of ms.
 *
 * Guarantees: pure (same inputs, same output), never negative, never above
 * `maxMs`, never NaN or Infinity (attempts below 1 count as 1; a `random` that
 * strays outside [0, 1) is clamped). Spreading retries over the whole window
 * keeps a fleet of clients from reconnecting in lockstep after an outage.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const initial = Math.max(0, finiteOr(options.initialMs, 0));
  const max = Math.max(0, finiteOr(options.maxMs, initial));
  const n = Math.max(1, Math.floor(finiteOr(attempt, 1)));
  // 2^52 already exceeds any sensible cap; limiting the exponent keeps the product finite.
  const ceiling = Math.min(max, initial * 2 ** Math.min(n - 1, 52));
  const r = Math.min(Math.max(finiteOr(random(), 0), 0), 1);
  return Math.min(Math.floor(r * ceiling), max);
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}
