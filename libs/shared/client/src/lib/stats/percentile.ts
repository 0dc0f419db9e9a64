/**
 * The `p`-th percentile (0..100) of `values` by the nearest-rank method: the
 * smallest value such that at least p% of the values are less than or equal
 * to it. `undefined` for no values. Does not modify `values`.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const clamped = Math.min(Math.max(p, 0), 100);
  const rank = Math.max(1, Math.ceil((clamped / 100) * sorted.length));
  return sorted[rank - 1];
}
