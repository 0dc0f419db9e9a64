import { Histogram, Registry } from 'prom-client';
import { DeliveryLatency } from './delivery-latency';

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe('DeliveryLatency', () => {
  it('exports exactly what a prom-client histogram with the same observations exports', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const latency = new DeliveryLatency({ name: 'x_seconds', help: 'h', buckets: BUCKETS, registers: [ours] });
    const reference = new Histogram({ name: 'x_seconds', help: 'h', labelNames: ['transport'], buckets: BUCKETS, registers: [theirs] });
    const observations: ['sse' | 'ws' | 'poll', number][] = [
      ['sse', 0.0005],
      ['sse', 0.001],
      ['sse', 0.05],
      ['sse', 7],
      ['ws', 0.01],
      ['poll', 0.2],
    ];
    for (const [transport, seconds] of observations) {
      latency.record(transport, seconds);
      reference.observe({ transport }, seconds);
    }
    // The same series (prom-client lists label sets in first-observation order, this one by transport).
    const lines = async (registry: Registry) => (await registry.metrics()).split('\n').sort();
    expect(await lines(ours)).toEqual(await lines(theirs));
    const json = async (registry: Registry) =>
      (await registry.getMetricsAsJSON()).map((m) => ({
        name: m.name,
        help: m.help,
        type: m.type,
        aggregator: m.aggregator,
        values: m.values.map((v) => JSON.stringify({ metricName: (v as { metricName?: string }).metricName, labels: v.labels, value: v.value })).sort(),
      }));
    expect(await json(ours)).toEqual(await json(theirs));
  });

  it('starts again from zero after reset', async () => {
    const registry = new Registry();
    const latency = new DeliveryLatency({ name: 'y_seconds', help: 'h', buckets: BUCKETS, registers: [registry] });
    latency.record('ws', 0.5);
    expect(await registry.metrics()).toContain('y_seconds_count{transport="ws"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('y_seconds_count');
  });
});
