import { LatencyRing } from './latency-ring';
import { percentile } from './percentile';
import { StatsRecorder } from './transport-stats';

describe('percentile (nearest rank)', () => {
  it('picks the nearest-rank value', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted input
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });

  it('is undefined without values and does not reorder its input', () => {
    expect(percentile([], 50)).toBeUndefined();
    const input = [3, 1, 2];
    percentile(input, 50);
    expect(input).toEqual([3, 1, 2]);
  });
});

describe('LatencyRing', () => {
  it('keeps only the newest `capacity` samples, oldest first', () => {
    const ring = new LatencyRing(3);
    [1, 2, 3, 4, 5].forEach((sample) => ring.add(sample));
    expect(ring.size).toBe(3);
    expect(ring.values()).toEqual([3, 4, 5]);
    expect(ring.percentile(50)).toBe(4);
  });

  it('ignores non-finite samples and rejects a bad capacity', () => {
    const ring = new LatencyRing(2);
    ring.add(Number.NaN);
    ring.add(Infinity);
    expect(ring.size).toBe(0);
    expect(() => new LatencyRing(0)).toThrow(RangeError);
  });
});

describe('StatsRecorder', () => {
  it('counts and summarises latency from envelope timestamps', () => {
    let now = 10_000;
    const stats = new StatsRecorder('ws', () => now, 4);
    stats.request();
    stats.frame(120);
    stats.frame(30);
    stats.reconnect();
    const envelope = (ts: number) => ({ id: '1', topic: 't', type: 'message', data: null, ts });
    stats.events([envelope(9_990), envelope(9_900), envelope(9_000)]);
    now = 20_000;
    stats.events([envelope(19_995), envelope(30_000)]); // a future ts (clock skew) counts as 0
    expect(stats.snapshot()).toEqual({
      transport: 'ws',
      eventsReceived: 5,
      requests: 1,
      framesReceived: 2,
      bytesReceived: 150,
      reconnects: 1,
      latency: { count: 4, p50: 5, p95: 1_000, max: 1_000 },
    });
    expect(stats.latencySamples()).toEqual([100, 1_000, 5, 0]);
  });
});
