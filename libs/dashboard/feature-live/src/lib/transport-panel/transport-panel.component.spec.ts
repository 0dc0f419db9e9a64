import { Component, computed, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { TransportStats } from '@herald/client';
import { emptyStats, ReceivedEvent, ResetNotice, TransportService, TransportViewState } from '@herald/dashboard-data-access';
import { guideFor } from '../transport-guide';
import { badgeStatus, describeState, TransportPanel } from './transport-panel.component';

/** The part of a TransportService the panel reads, driven by the test. */
class StubService {
  readonly name = 'ws' as const;
  readonly label = 'WebSocket';
  readonly state = signal<TransportViewState>({ status: 'open' });
  readonly status = computed(() => this.state().status);
  readonly topics = signal<readonly string[]>(['ticker']);
  readonly events = signal<readonly ReceivedEvent[]>([]);
  readonly cursor = signal<string | undefined>('abc');
  readonly stats = signal<TransportStats>({ ...emptyStats('ws'), requests: 1, framesReceived: 12, bytesReceived: 2_400, latency: { count: 3, p50: 4, p95: 18, max: 20 } });
  readonly lastReset = signal<ResetNotice | undefined>(undefined);
  readonly integrity = signal({ gaps: 0, duplicates: 0 });
  readonly error = signal(undefined);
  readonly canPause = computed(() => this.status() === 'open');
  readonly canResume = computed(() => this.status() === 'paused');
  pause = jest.fn(() => this.state.set({ status: 'paused' }));
  resume = jest.fn(() => this.state.set({ status: 'connecting' }));
  dismissReset = jest.fn(() => this.lastReset.set(undefined));
}

@Component({
  imports: [TransportPanel],
  template: `<hd-transport-panel [service]="service" [guide]="guide" />`,
})
class Host {
  readonly stub = new StubService();
  readonly service = this.stub as unknown as TransportService;
  readonly guide = guideFor('ws');
}

const received = (key: number, id: string, generation: number): ReceivedEvent => ({
  key,
  generation,
  envelope: { id, topic: 'ticker', type: 'price', data: { n: key }, ts: 0 },
  receivedAt: 0,
  latencyMs: 7,
});

describe('TransportPanel', () => {
  async function render() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    const q = (id: string) => element.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    return { fixture, element, stub: fixture.componentInstance.stub, q };
  }

  it('shows status, figures and an empty state', async () => {
    const { element, q } = await render();
    expect(element.querySelector('[data-testid="panel-ws"]')).not.toBeNull();
    expect(q('status')?.dataset['status']).toBe('open');
    expect(q('p50')?.textContent).toBe('4 ms');
    expect(q('p95')?.textContent).toBe('18 ms');
    expect(q('frames')?.textContent).toBe('12');
    expect(q('bytes')?.textContent).toBe('2.4 kB');
    expect(q('events-empty')?.textContent).toContain('Waiting for events on ticker');
  });

  it('pauses and resumes from one focus-keeping button', async () => {
    const { fixture, stub, q } = await render();
    const button = q('pause-toggle') as HTMLButtonElement;
    expect(button.textContent).toContain('Pause');
    button.click();
    await fixture.whenStable();
    expect(stub.pause).toHaveBeenCalled();
    expect(q('status')?.dataset['status']).toBe('paused');
    expect(q('pause-toggle')).toBe(button);
    expect(button.textContent).toContain('Resume');
    button.click();
    await fixture.whenStable();
    expect(stub.resume).toHaveBeenCalled();
  });

  it('lists events newest first, marking where a reset restarted ids', async () => {
    const { fixture, stub, element, q } = await render();
    stub.events.set([received(3, '1', 1), received(2, '2', 0), received(1, '1', 0)]);
    stub.lastReset.set({ at: 0, cursor: 'x', replayed: 1, count: 1 });
    await fixture.whenStable();
    const rows = Array.from(element.querySelectorAll<HTMLElement>('[data-testid="event-row"]'));
    expect(rows.map((row) => [row.dataset['id'], row.dataset['generation']])).toEqual([
      ['1', '1'],
      ['2', '0'],
      ['1', '0'],
    ]);
    expect(rows[0].querySelector('[data-testid="event-data"]')?.textContent).toBe('{"n":3}');
    expect(element.querySelector('.divider')?.textContent).toContain('reset');
    expect(q('reset-notice')?.textContent).toContain('(1 replayed). Ids start over.');
  });

  it('flags gaps and duplicates', async () => {
    const { fixture, stub, q } = await render();
    stub.integrity.set({ gaps: 1, duplicates: 2 });
    await fixture.whenStable();
    expect(q('integrity')?.dataset).toMatchObject({ gaps: '1', duplicates: '2' });
    expect(q('integrity')?.classList).toContain('bad');
  });

  it('describes each state in words', () => {
    const guide = guideFor('poll');
    expect(describeState({ status: 'reconnecting', attempt: 2, delayMs: 1_500, reason: 'connection refused' }, guide)).toBe('Connection lost — attempt 2 in 1.5 s. connection refused');
    expect(describeState({ status: 'open' }, guide)).toBe(guide.how);
    expect(badgeStatus({ status: 'closed', reason: 'x', error: undefined })).toBe('closed');
  });
});
