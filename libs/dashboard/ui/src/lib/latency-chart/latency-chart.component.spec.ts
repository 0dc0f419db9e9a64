import { TestBed } from '@angular/core/testing';
import { ChartSeries } from './chart-scale';
import { LatencyChart } from './latency-chart.component';

describe('LatencyChart', () => {
  async function render(series: ChartSeries[]) {
    const fixture = TestBed.createComponent(LatencyChart);
    fixture.componentRef.setInput('series', series);
    fixture.componentRef.setInput('now', 60_000);
    await fixture.whenStable();
    return fixture;
  }

  it('draws a line per series, a legend and axis labels', async () => {
    const fixture = await render([
      { id: 'ws', label: 'WebSocket', color: 'green', summary: 'p50 2 ms', points: [{ t: 1_000, ms: 2 }, { t: 2_000, ms: 3 }] },
      { id: 'poll', label: 'Short polling', color: 'orange', dash: '6 3', points: [{ t: 1_500, ms: 700 }] },
    ]);
    const element: HTMLElement = fixture.nativeElement;
    const paths = element.querySelectorAll('svg[data-testid="latency-chart"] path');
    expect(paths).toHaveLength(2);
    expect(paths[0].getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
    expect(paths[1].getAttribute('stroke-dasharray')).toBe('6 3');
    expect(element.querySelector('.legend')?.textContent).toContain('WebSocket');
    expect(element.querySelector('.legend')?.textContent).toContain('p50 2 ms');
    expect(element.textContent).toContain('1 s'); // log axis up to 1000 ms
    expect(element.textContent).toContain('time received');
    expect(element.querySelector('desc')?.textContent).toContain('WebSocket: p50 2 ms, 2 samples');
  });

  it('switches to a linear axis from its buttons', async () => {
    const fixture = await render([{ id: 'poll', label: 'Poll', color: 'orange', points: [{ t: 1_000, ms: 700 }] }]);
    const element: HTMLElement = fixture.nativeElement;
    const [log, linear] = Array.from(element.querySelectorAll<HTMLButtonElement>('.scale button'));
    expect(log.getAttribute('aria-pressed')).toBe('true');
    linear.click();
    await fixture.whenStable();
    expect(linear.getAttribute('aria-pressed')).toBe('true');
    expect(element.textContent).toContain('800 ms');
  });

  it('says so when there is nothing to draw', async () => {
    const fixture = await render([{ id: 'sse', label: 'SSE', color: 'blue', points: [] }]);
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No events in this window yet');
  });
});
