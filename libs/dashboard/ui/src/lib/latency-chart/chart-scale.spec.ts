import { layoutChart, linearDomain, logDomain, niceStep, timeScale, valueScale } from './chart-scale';

const geometry = { width: 700, height: 300, margin: { top: 10, right: 10, bottom: 40, left: 50 } };

describe('chart scaling', () => {
  it('picks 1-2-5 steps', () => {
    expect([0.7, 1, 1.5, 3, 7, 12, 250, 251].map(niceStep)).toEqual([1, 1, 2, 5, 10, 20, 500, 500]);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(Number.NaN)).toBe(1);
  });

  it('covers the largest sample with a nice linear domain, at least 10 ms', () => {
    expect(linearDomain(1234)).toEqual({ max: 1500, ticks: [0, 500, 1000, 1500] });
    expect(linearDomain(0)).toEqual({ max: 10, ticks: [0, 5, 10] });
    expect(linearDomain(80)).toEqual({ max: 80, ticks: [0, 20, 40, 60, 80] });
  });

  it('uses whole decades on the log axis', () => {
    expect(logDomain(0)).toEqual({ max: 10, ticks: [0, 1, 10] });
    expect(logDomain(10)).toEqual({ max: 10, ticks: [0, 1, 10] });
    expect(logDomain(950)).toEqual({ max: 1000, ticks: [0, 1, 10, 100, 1000] });
  });

  it('maps values bottom-to-top and clamps them', () => {
    const linear = valueScale('linear', 100, 200);
    expect([0, 50, 100, 150, -5].map(linear)).toEqual([0, 100, 200, 200, 0]);
    const log = valueScale('log', 1000, 300);
    expect(log(0)).toBe(0);
    expect(log(1000)).toBeCloseTo(300);
    expect(log(9)).toBeCloseTo(99.99, 1); // log10(10) / log10(1001) * 300
    expect(log(10)).toBeGreaterThan(log(9));
  });

  it('maps the time window onto the x axis', () => {
    const x = timeScale(60_000, 60_000, 600);
    expect([0, 30_000, 60_000].map(x)).toEqual([0, 300, 600]);
  });

  it('lays out one path per series from the samples in the window', () => {
    const now = 100_000;
    const layout = layoutChart(
      [
        { id: 'ws', label: 'WebSocket', color: 'green', points: [{ t: now - 30_000, ms: 5 }, { t: now, ms: 10 }, { t: now - 61_000, ms: 9_999 }] },
        { id: 'poll', label: 'Poll', color: 'orange', dash: '6 3', points: [{ t: now - 60_000, ms: 80 }] },
        { id: 'sse', label: 'SSE', color: 'blue', points: [] },
      ],
      { now, windowMs: 60_000, scale: 'linear', geometry },
    );
    expect(layout.plot).toEqual({ x: 50, y: 10, width: 640, height: 250 });
    expect(layout.yMax).toBe(80); // the 9 999 ms sample is outside the window
    // y = top + height - ms / 80 * 250, rounded to 0.1 px: 5 ms → 244.4, 10 ms → 228.8
    expect(layout.lines[0].d).toBe('M370,244.4 L690,228.8');
    expect(layout.lines[0].last).toEqual({ x: 690, y: 228.8 });
    expect(layout.lines[1]).toMatchObject({ d: 'M50,10', dash: '6 3', last: { x: 50, y: 10 } });
    expect(layout.lines[2]).toMatchObject({ d: '', last: undefined });
    expect(layout.yTicks.map((t) => t.label)).toEqual(['0 ms', '20 ms', '40 ms', '60 ms', '80 ms']);
    expect(layout.yTicks[0].at).toBe(260);
    expect(layout.yTicks.at(-1)?.at).toBe(10);
    expect(layout.xTicks.map((t) => t.label)).toEqual(['−60 s', '−40 s', '−20 s', 'now']);
    expect(layout.xTicks.at(-1)?.at).toBe(690);
    expect(layout.empty).toBe(false);
  });

  it('is empty when no series has a sample in the window', () => {
    const layout = layoutChart([{ id: 'a', label: 'A', color: 'red', points: [{ t: 0, ms: 1 }] }], { now: 120_000, windowMs: 60_000, scale: 'log', geometry });
    expect(layout.empty).toBe(true);
    expect(layout.yMax).toBe(10);
    expect(layout.yTicks.map((t) => t.label)).toEqual(['0 ms', '1 ms', '10 ms']);
  });
});
