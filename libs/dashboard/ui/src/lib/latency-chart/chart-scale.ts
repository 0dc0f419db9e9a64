/** One latency sample: when it was received (epoch ms) and how long it took (ms). */
export interface ChartPoint {
  readonly t: number;
  readonly ms: number;
}

export interface ChartSeries {
  readonly id: string;
  readonly label: string;
  /** CSS colour of the line and legend swatch. */
  readonly color: string;
  /** SVG `stroke-dasharray`, so series differ by more than colour. */
  readonly dash?: string;
  readonly points: readonly ChartPoint[];
  /** A short figure for the legend, e.g. "p50 3 ms · p95 9 ms". */
  readonly summary?: string;
}

/**
 * `log` is a "symlog" scale — log10(1 + ms) — so 0 ms stays plottable and 2 ms
 * and 900 ms are both readable on one axis; `linear` shows absolute differences.
 */
export type ScaleKind = 'log' | 'linear';

export interface ChartGeometry {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface Tick {
  /** Pixel position along the axis (y from the top of the SVG, x from its left). */
  readonly at: number;
  readonly label: string;
}

export interface ChartLine {
  readonly id: string;
  readonly color: string;
  readonly dash?: string;
  /** SVG path data (`M x,y L x,y …`); empty when the series has no point in the window. */
  readonly d: string;
  /** The newest point, drawn as a dot so a single sample is visible. */
  readonly last?: { x: number; y: number };
}

export interface ChartLayout {
  readonly yTicks: readonly Tick[];
  readonly xTicks: readonly Tick[];
  readonly lines: readonly ChartLine[];
  /** Plot area, in SVG pixels. */
  readonly plot: { x: number; y: number; width: number; height: number };
  /** Top of the y domain in ms. */
  readonly yMax: number;
  readonly empty: boolean;
}

/** The smallest 1, 2 or 5 × 10^k that is ≥ `value` (1 for anything ≤ 0 or not finite). */
export function niceStep(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * magnitude >= value * (1 - 1e-12)) return factor * magnitude;
  }
  return 10 * magnitude;
}

/** A linear domain [0, max] in whole nice steps covering `maxValue` (at least 10 ms), with its ticks. */
export function linearDomain(maxValue: number, targetTicks = 4): { max: number; ticks: number[] } {
  const top = Math.max(10, Number.isFinite(maxValue) ? maxValue : 0);
  const step = niceStep(top / targetTicks);
  const max = Math.ceil(top / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= max + step / 2; value += step) ticks.push(Math.round(value * 1e6) / 1e6);
  return { max, ticks };
}

/** A symlog domain [0, 10^k] with the first decade ≥ `maxValue` (at least 10 ms); ticks 0, 1, 10, 100, … */
export function logDomain(maxValue: number): { max: number; ticks: number[] } {
  const top = Math.max(10, Number.isFinite(maxValue) ? maxValue : 0);
  const max = 10 ** Math.ceil(Math.log10(top) - 1e-12);
  const ticks = [0];
  for (let value = 1; value <= max; value *= 10) ticks.push(value);
  return { max, ticks };
}

/** Maps ms in [0, max] to a pixel offset in [0, size] from the bottom (values outside are clamped). */
export function valueScale(kind: ScaleKind, max: number, size: number): (ms: number) => number {
  const clamp = (ms: number) => Math.min(Math.max(ms, 0), max);
  if (kind === 'linear') return (ms) => (clamp(ms) / max) * size;
  const top = Math.log10(1 + max);
  return (ms) => (Math.log10(1 + clamp(ms)) / top) * size;
}

/** Maps an epoch-ms time in [now - windowMs, now] to [0, size]. */
export function timeScale(now: number, windowMs: number, size: number): (t: number) => number {
  const start = now - windowMs;
  return (t) => ((t - start) / windowMs) * size;
}

export function formatTickMs(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  return `${ms} ms`;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Lays out the whole chart: y domain from the largest sample in the window,
 * ticks, and one path per series (samples outside the window are left out).
 */
export function layoutChart(series: readonly ChartSeries[], options: { now: number; windowMs: number; scale: ScaleKind; geometry: ChartGeometry }): ChartLayout {
  const { now, windowMs, scale, geometry } = options;
  const { margin } = geometry;
  const plot = {
    x: margin.left,
    y: margin.top,
    width: Math.max(10, geometry.width - margin.left - margin.right),
    height: Math.max(10, geometry.height - margin.top - margin.bottom),
  };
  const start = now - windowMs;
  const visible = series.map((s) => ({ s, points: s.points.filter((p) => p.t >= start && p.t <= now).sort((a, b) => a.t - b.t) }));
  const maxValue = Math.max(0, ...visible.flatMap((v) => v.points.map((p) => p.ms)));
  const domain = scale === 'log' ? logDomain(maxValue) : linearDomain(maxValue);
  const y = valueScale(scale, domain.max, plot.height);
  const x = timeScale(now, windowMs, plot.width);
  const toX = (t: number) => round(plot.x + x(t));
  const toY = (ms: number) => round(plot.y + plot.height - y(ms));

  const lines: ChartLine[] = visible.map(({ s, points }) => {
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${toX(p.t)},${toY(p.ms)}`).join(' ');
    const newest = points.at(-1);
    return { id: s.id, color: s.color, dash: s.dash, d, last: newest ? { x: toX(newest.t), y: toY(newest.ms) } : undefined };
  });
  const yTicks = domain.ticks.map((value) => ({ at: toY(value), label: formatTickMs(value) }));
  const stepMs = niceStep(windowMs / 4 / 1000) * 1000;
  const xTicks: Tick[] = [];
  for (let ago = 0; ago <= windowMs + 1e-9; ago += stepMs) {
    xTicks.push({ at: toX(now - ago), label: ago === 0 ? 'now' : `−${ago / 1000} s` });
  }
  return { yTicks, xTicks: xTicks.reverse(), lines, plot, yMax: domain.max, empty: visible.every((v) => v.points.length === 0) };
}
