import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { BehaviorSubject, Observable } from 'rxjs';
import type { ConnectionState, RealtimeTransport, TransportName } from '@herald/client';
import type { Delivery } from '@herald/contracts';
import { DASHBOARD_CONFIG, defaultDashboardConfig, HERALD_FETCH, REALTIME_TRANSPORT_FACTORY } from '@herald/dashboard-data-access';
import { LIVE_ROUTES } from '../live.routes';

interface Opened {
  name: TransportName;
  topics: readonly string[];
  closed: boolean;
}

function setup(fetchTopics: () => Promise<Response>) {
  const opened: Opened[] = [];
  const factory = (name: TransportName): RealtimeTransport => {
    const state = new BehaviorSubject<ConnectionState>({ status: 'closed', reason: 'not subscribed' });
    return {
      name,
      state$: state.asObservable(),
      stats: { transport: name, eventsReceived: 0, requests: 0, framesReceived: 0, bytesReceived: 0, reconnects: 0, latency: { count: 0, p50: undefined, p95: undefined, max: undefined } },
      publish: () => Promise.reject(new Error('unused')),
      subscribe: (topics) =>
        new Observable<Delivery>(() => {
          const record = { name, topics, closed: false };
          opened.push(record);
          state.next({ status: 'open' });
          return () => (record.closed = true);
        }),
    };
  };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([...LIVE_ROUTES, { path: 'elsewhere', children: [] }]),
      { provide: REALTIME_TRANSPORT_FACTORY, useValue: factory },
      { provide: HERALD_FETCH, useValue: fetchTopics },
      { provide: DASHBOARD_CONFIG, useValue: { ...defaultDashboardConfig('http://herald.test'), topicsRefreshMs: 60_000 } },
    ],
  });
  return { opened };
}

const ok = (): Promise<Response> =>
  Promise.resolve({ status: 200, text: async () => JSON.stringify({ topics: [{ name: 'ticker', latest: 5, retained: 5, subscribers: { poll: 1, longPoll: 1, sse: 1, ws: 1 } }] }) } as Response);

const settle = async (harness: RouterTestingHarness) => {
  for (let i = 0; i < 3; i++) {
    await Promise.resolve();
    await harness.fixture.whenStable();
  }
};

describe('LivePage', () => {
  it('subscribes all four transports to ticker by default and lists topics', async () => {
    const { opened } = setup(ok);
    const harness = await RouterTestingHarness.create('/');
    await settle(harness);
    expect(opened.map((o) => o.name)).toEqual(['poll', 'long-poll', 'sse', 'ws']);
    expect(opened.every((o) => o.topics.join() === 'ticker')).toBe(true);
    const element = harness.routeNativeElement as HTMLElement;
    expect(element.querySelectorAll('hd-transport-panel')).toHaveLength(4);
    expect(element.querySelectorAll('[data-testid="status"][data-status="open"]')).toHaveLength(4);
    expect(element.querySelector('[data-testid="topic-row"]')?.getAttribute('data-topic')).toBe('ticker');
    expect(element.querySelector('[data-testid="api-banner"]')).toBeNull();
    expect(element.querySelector('[data-testid="api-status"]')?.textContent).toContain('API online');
  });

  it('takes the topics from ?topics= and resubscribes when they change', async () => {
    const { opened } = setup(ok);
    const harness = await RouterTestingHarness.create('/?topics=orders,audit.log');
    await settle(harness);
    expect(opened.map((o) => o.topics.join())).toEqual(Array(4).fill('orders,audit.log'));
    await harness.navigateByUrl('/?topics=chat');
    await settle(harness);
    expect(opened.slice(0, 4).every((o) => o.closed)).toBe(true);
    expect(opened.slice(4).map((o) => o.topics.join())).toEqual(Array(4).fill('chat'));
  });

  it('falls back to ticker on a bad ?topics= and says why', async () => {
    const { opened } = setup(ok);
    const harness = await RouterTestingHarness.create('/?topics=bad%20name!');
    await settle(harness);
    expect(opened.every((o) => o.topics.join() === 'ticker')).toBe(true);
    expect((harness.routeNativeElement as HTMLElement).textContent).toContain('Ignored ?topics=');
  });

  it('shows a banner when the API cannot be reached', async () => {
    setup(() => Promise.reject(new TypeError('Failed to fetch')));
    const harness = await RouterTestingHarness.create('/');
    await settle(harness);
    const element = harness.routeNativeElement as HTMLElement;
    expect(element.querySelector('[data-testid="api-banner"]')?.textContent).toContain('Herald API unreachable');
    expect(element.querySelector('[data-testid="api-status"]')?.getAttribute('data-reachable')).toBe('false');
  });

  it('closes every connection when the page is left', async () => {
    const { opened } = setup(ok);
    const harness = await RouterTestingHarness.create('/');
    await settle(harness);
    await TestBed.inject(Router).navigateByUrl('/elsewhere');
    await settle(harness);
    expect(opened).toHaveLength(4);
    expect(opened.every((o) => o.closed)).toBe(true);
  });
});
