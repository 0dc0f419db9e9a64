import { seededRandom } from '../testing/manual-timers';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

const bounds = { initialMs: 100, maxMs: 1_000 };

describe('backoffDelay (full jitter, capped)', () => {
  it('doubles the window per attempt up to the cap', () => {
    const almostOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, bounds, almostOne))).toEqual([99, 199, 399, 799, 999, 999, 999]);
  });

  it('draws uniformly from [0, window): random 0 waits 0, random 0.5 waits half the window', () => {
    expect(backoffDelay(3, bounds, () => 0)).toBe(0);
    expect(backoffDelay(3, bounds, () => 0.5)).toBe(200);
    expect(backoffDelay(10, bounds, () => 0.5)).toBe(500);
  });

  it('is deterministic for a seeded random source, and every delay stays inside its window', () => {
    const first = Array.from({ length: 12 }, (_, i) => backoffDelay(i + 1, bounds, seededRandom(42)));
    const again = Array.from({ length: 12 }, (_, i) => backoffDelay(i + 1, bounds, seededRandom(42)));
    expect(first).toEqual(again);
    const random = seededRandom(7);
    for (let attempt = 1; attempt <= 40; attempt++) {
      const delay = backoffDelay(attempt, bounds, random);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(bounds.maxMs, bounds.initialMs * 2 ** (attempt - 1)));
    }
  });

  it('spreads delays over the whole window (mean near half the cap)', () => {
    const random = seededRandom(2024);
    const samples = Array.from({ length: 2_000 }, () => backoffDelay(20, bounds, random));
    const mean = samples.reduce((sum, delay) => sum + delay, 0) / samples.length;
    expect(mean).toBeGreaterThan(450);
    expect(mean).toBeLessThan(550);
    expect(Math.min(...samples)).toBeLessThan(50);
    expect(Math.max(...samples)).toBeGreaterThan(950);
  });

  it('never returns NaN, Infinity, a negative delay or more than maxMs for odd inputs', () => {
    for (const attempt of [0, -5, Number.NaN, Infinity, 1e9]) {
      const delay = backoffDelay(attempt, bounds, () => 0.75);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(bounds.maxMs);
    }
    expect(backoffDelay(0, bounds, () => 0.99)).toBe(backoffDelay(1, bounds, () => 0.99));
    expect(backoffDelay(5, bounds, () => 7)).toBeLessThanOrEqual(1_000);
    expect(backoffDelay(5, bounds, () => -1)).toBe(0);
    expect(backoffDelay(5, bounds, () => Number.NaN)).toBe(0);
  });

  it('has sane defaults', () => {
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 500, maxMs: 30_000 });
    expect(backoffDelay(100, DEFAULT_BACKOFF, () => 0.999)).toBeLessThanOrEqual(30_000);
  });
});
