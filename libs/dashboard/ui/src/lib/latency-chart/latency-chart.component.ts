import { afterNextRender, ChangeDetectionStrategy, Component, computed, DestroyRef, ElementRef, inject, input, model, signal, viewChild } from '@angular/core';
import { ChartGeometry, ChartSeries, layoutChart, ScaleKind } from './chart-scale';

let nextId = 0;

/**
 * Publish→receive latency over time, one line per series, in inline SVG.
 * Resizes to its container (the SVG is drawn at its real pixel width, so text
 * never shrinks on a phone) and switches between a log and a linear axis.
 */
@Component({
  selector: 'hd-latency-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="head">
      <div>
        <h2 class="title" [id]="ids.title">{{ heading() }}</h2>
        <p class="sub">Each point is one event: receive time minus publish time, last {{ windowMs() / 1000 }} s.</p>
      </div>
      <div class="scale" role="group" aria-label="Latency axis scale">
        <button type="button" [attr.aria-pressed]="scale() === 'log'" (click)="scale.set('log')">Log</button>
        <button type="button" [attr.aria-pressed]="scale() === 'linear'" (click)="scale.set('linear')">Linear</button>
      </div>
    </div>
    <div class="plot" #plot>
      <svg
        data-testid="latency-chart"
        role="img"
        [attr.aria-labelledby]="ids.title + ' ' + ids.desc"
        [attr.width]="geometry().width"
        [attr.height]="geometry().height"
        [attr.viewBox]="'0 0 ' + geometry().width + ' ' + geometry().height"
      >
        <desc [id]="ids.desc">{{ description() }}</desc>
        @let l = layout();
        <g class="grid">
          @for (tick of l.yTicks; track tick.label) {
            <line [attr.x1]="l.plot.x" [attr.x2]="l.plot.x + l.plot.width" [attr.y1]="tick.at" [attr.y2]="tick.at" />
            <text class="tick" [attr.x]="l.plot.x - 6" [attr.y]="tick.at" text-anchor="end" dominant-baseline="middle">{{ tick.label }}</text>
          }
          @for (tick of l.xTicks; track tick.label) {
            <text class="tick" [attr.x]="tick.at" [attr.y]="l.plot.y + l.plot.height + 16" text-anchor="middle">{{ tick.label }}</text>
          }
        </g>
        <line class="axis" [attr.x1]="l.plot.x" [attr.x2]="l.plot.x + l.plot.width" [attr.y1]="l.plot.y + l.plot.height" [attr.y2]="l.plot.y + l.plot.height" />
        <line class="axis" [attr.x1]="l.plot.x" [attr.x2]="l.plot.x" [attr.y1]="l.plot.y" [attr.y2]="l.plot.y + l.plot.height" />
        <text class="axis-label" [attr.transform]="'translate(12 ' + (l.plot.y + l.plot.height / 2) + ') rotate(-90)'" text-anchor="middle">latency</text>
        <text class="axis-label" [attr.x]="l.plot.x + l.plot.width / 2" [attr.y]="geometry().height - 4" text-anchor="middle">time received</text>
        @for (line of l.lines; track line.id) {
          <path [attr.d]="line.d" [attr.stroke]="line.color" [attr.stroke-dasharray]="line.dash ?? null" fill="none" stroke-width="2" stroke-linejoin="round" />
          @if (line.last; as dot) {
            <circle [attr.cx]="dot.x" [attr.cy]="dot.y" r="3.5" [attr.fill]="line.color" />
          }
        }
        @if (l.empty) {
          <text class="empty" [attr.x]="l.plot.x + l.plot.width / 2" [attr.y]="l.plot.y + l.plot.height / 2" text-anchor="middle">No events in this window yet</text>
        }
      </svg>
    </div>
    <ul class="legend" aria-label="Series">
      @for (s of series(); track s.id) {
        <li>
          <svg width="28" height="10" aria-hidden="true"><line x1="1" x2="27" y1="5" y2="5" [attr.stroke]="s.color" [attr.stroke-dasharray]="s.dash ?? null" stroke-width="3" /></svg>
          <span class="name">{{ s.label }}</span>
          @if (s.summary) {
            <span class="summary">{{ s.summary }}</span>
          }
        </li>
      }
    </ul>
  `,
  styles: `
    :host { display: block; }
    .head { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; flex-wrap: wrap; }
    .title { margin: 0; font-size: 1.05rem; }
    .sub { margin: 0.15rem 0 0.5rem; color: var(--hd-muted, #4b5563); font-size: 0.85rem; }
    .scale { display: inline-flex; border: 1px solid var(--hd-border, #d1d5db); border-radius: 8px; overflow: hidden; }
    .scale button { border: 0; background: transparent; padding: 0.3rem 0.7rem; font: inherit; font-size: 0.85rem; cursor: pointer; color: inherit; }
    .scale button[aria-pressed='true'] { background: var(--hd-accent, #1d4ed8); color: #fff; }
    .scale button:focus-visible { outline: 3px solid var(--hd-focus, #f59e0b); outline-offset: -3px; }
    .plot { width: 100%; overflow: hidden; }
    svg { display: block; }
    .grid line { stroke: var(--hd-grid, #e5e7eb); }
    .axis { stroke: var(--hd-muted, #6b7280); }
    .tick { font-size: 11px; fill: var(--hd-muted, #4b5563); font-variant-numeric: tabular-nums; }
    .axis-label { font-size: 11px; fill: var(--hd-muted, #4b5563); }
    .empty { font-size: 13px; fill: var(--hd-muted, #6b7280); }
    .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; padding: 0; margin: 0.5rem 0 0; font-size: 0.85rem; }
    .legend li { display: inline-flex; align-items: center; gap: 0.4rem; }
    .name { font-weight: 600; white-space: nowrap; }
    .summary { color: var(--hd-muted, #4b5563); font-variant-numeric: tabular-nums; }
  `,
})
export class LatencyChart {
  readonly series = input.required<readonly ChartSeries[]>();
  /** The right edge of the time axis (epoch ms); advance it to scroll the chart. */
  readonly now = input.required<number>();
  readonly windowMs = input(60_000);
  readonly heading = input('Latency over time');
  readonly scale = model<ScaleKind>('log');

  private readonly plot = viewChild.required<ElementRef<HTMLElement>>('plot');
  private readonly width = signal(640);
  protected readonly ids = { title: `hd-chart-title-${++nextId}`, desc: `hd-chart-desc-${nextId}` };

  protected readonly geometry = computed<ChartGeometry>(() => {
    const width = this.width();
    return { width, height: Math.round(Math.min(340, Math.max(220, width * 0.42))), margin: { top: 10, right: 14, bottom: 38, left: width < 480 ? 58 : 64 } };
  });

  protected readonly layout = computed(() => layoutChart(this.series(), { now: this.now(), windowMs: this.windowMs(), scale: this.scale(), geometry: this.geometry() }));

  protected readonly description = computed(() =>
    this.series()
      .map((s) => `${s.label}: ${s.summary ?? 'no summary'}, ${s.points.length} samples`)
      .join('; '),
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const element = this.plot().nativeElement;
      const measure = (width: number) => {
        if (width > 0) this.width.set(Math.max(260, Math.round(width)));
      };
      measure(element.clientWidth);
      if (typeof ResizeObserver === 'undefined') return;
      const observer = new ResizeObserver((entries) => measure(entries[0]?.contentRect.width ?? 0));
      observer.observe(element);
      destroyRef.onDestroy(() => observer.disconnect());
    });
  }
}
