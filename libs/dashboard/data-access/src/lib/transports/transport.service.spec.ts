import type { ProviderToken } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HeraldError } from '@herald/client';
import { envelope, FakeRealtimeTransport } from '../../testing/fake-realtime-transport';
import { DASHBOARD_CLOCK } from '../clock';
import { provideDashboardConfig } from '../dashboard-config';
import { REALTIME_TRANSPORT_FACTORY } from '../transport-factory';
import { LongPollingService } from './long-polling.service';
import { PollingService } from './polling.service';
import { provideTransportServices } from './provide-transport-services';
import { SseService } from './sse.service';
import type { TransportService } from './transport.service';
import { WebSocketService } from './web-socket.service';

function setup() {
  const created: FakeRealtimeTransport[] = [];
  const clock = { time: 1_000_000, now: () => clock.time };
  TestBed.configureTestingModule({
    providers: [
      provideTransportServices(),
      provideDashboardConfig({ baseUrl: 'http://herald.test', maxEvents: 3, statsRefreshMs: 500, latencyWindowMs: 10_000 }),
      { provide: DASHBOARD_CLOCK, useValue: clock },
      {
        provide: REALTIME_TRANSPORT_FACTORY,
        useValue: (name: FakeRealtimeTransport['name']) => {
          const transport = new FakeRealtimeTransport(name);
          created.push(transport);
          return transport;
        },
      },
    ],
  });
  const service = TestBed.inject(LongPollingService);
  const fake = () => {
    const last = created.at(-1);
    if (!last) throw new Error('no transport created');
    return last;
  };
  return { service, created, clock, fake };
}

describe('TransportService (via LongPollingService, on a fake RealtimeTransport)', () => {
  afterEach(() => jest.useRealTimers());

  it('is one typed service per transport', () => {
    setup();
    const types: ProviderToken<TransportService>[] = [PollingService, LongPollingService, SseService, WebSocketService];
    expect(types.map((type) => TestBed.inject(type).name)).toEqual(['poll', 'long-poll', 'sse', 'ws']);
    expect(TestBed.inject(WebSocketService).label).toBe('WebSocket');
  });

  it('starts from now and mirrors the connection state', () => {
    const { service, fake } = setup();
    expect(service.status()).toBe('idle');
    service.start(['ticker', 'chat']);
    expect(fake().name).toBe('long-poll');
    expect(fake().last.topics).toEqual(['ticker', 'chat']);
    expect(fake().last.since).toBeUndefined();
    expect(service.status()).toBe('connecting');
    fake().setState({ status: 'open' });
    expect(service.state()).toEqual({ status: 'open' });
    fake().setState({ status: 'reconnecting', attempt: 2, delayMs: 800, reason: 'connection refused' });
    expect(service.state()).toEqual({ status: 'reconnecting', attempt: 2, delayMs: 800, reason: 'connection refused' });
    expect(service.canPause()).toBe(true);
  });

  it('keeps the last N events newest first, the cursor and latency samples', () => {
    const { service, fake, clock } = setup();
    service.start(['ticker']);
    fake().last.deliver({ events: [], cursor: 'c0' });
    expect(service.cursor()).toBe('c0');
    expect(service.events()).toEqual([]);
    fake().last.deliver({ events: [envelope('1', clock.time - 40), envelope('2', clock.time - 10)], cursor: 'c2' });
    clock.time += 1_000;
    fake().last.deliver({ events: [envelope('3', clock.time - 5), envelope('4', clock.time + 50)], cursor: 'c4' });
    expect(service.events().map((event) => event.envelope.id)).toEqual(['4', '3', '2']);
    expect(service.events()[0]).toMatchObject({ latencyMs: 0, generation: 0, receivedAt: clock.time });
    expect(new Set(service.events().map((event) => event.key)).size).toBe(3);
    expect(service.latency()).toEqual([
      { t: 1_000_000, ms: 40 },
      { t: 1_000_000, ms: 10 },
      { t: 1_001_000, ms: 5 },
      { t: 1_001_000, ms: 0 },
    ]);
    expect(service.cursor()).toBe('c4');
    expect(service.integrity()).toEqual({ gaps: 0, duplicates: 0 });
  });

  it('drops latency samples older than the window', () => {
    const { service, fake, clock } = setup();
    service.start(['ticker']);
    fake().last.deliver({ events: [envelope('1', clock.time)], cursor: 'c1' });
    clock.time += 10_001;
    fake().last.deliver({ events: [envelope('2', clock.time)], cursor: 'c2' });
    expect(service.latency()).toEqual([{ t: clock.time, ms: 0 }]);
  });

  it('re-reads the counters every statsRefreshMs and on every delivery, and stops when destroyed', () => {
    jest.useFakeTimers();
    const { service, fake } = setup();
    service.start(['ticker']);
    fake().statsValue = { ...fake().statsValue, requests: 3 };
    expect(service.stats().requests).toBe(0);
    jest.advanceTimersByTime(500);
    expect(service.stats().requests).toBe(3);
    fake().statsValue = { ...fake().statsValue, requests: 4, eventsReceived: 1 };
    fake().last.deliver({ events: [envelope('1', 0)], cursor: 'c1' });
    expect(service.stats()).toMatchObject({ requests: 4, eventsReceived: 1 });
    const subscription = fake().last;
    TestBed.resetTestingModule();
    expect(subscription.closed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('pause kills the connection but keeps the cursor; resume passes it as since', () => {
    const { service, fake } = setup();
    service.start(['ticker']);
    fake().setState({ status: 'open' });
    fake().last.deliver({ events: [envelope('7', 0)], cursor: 'c7' });
    const first = fake().last;
    service.pause();
    expect(first.closed).toBe(true);
    expect(service.status()).toBe('paused');
    expect(service.cursor()).toBe('c7');
    expect(service.canResume()).toBe(true);
    service.resume();
    expect(fake().subscriptions).toHaveLength(2);
    expect(fake().last.since).toBe('c7');
    expect(fake().last.topics).toEqual(['ticker']);
    expect(service.status()).toBe('connecting');
    fake().last.deliver({ events: [envelope('8', 0)], cursor: 'c8' });
    expect(service.events().map((event) => event.envelope.id)).toEqual(['8', '7']);
    expect(service.integrity()).toEqual({ gaps: 0, duplicates: 0 });
  });

  it('surfaces a reset and does not compare ids across it', () => {
    const { service, fake, clock } = setup();
    service.start(['ticker']);
    fake().last.deliver({ events: [envelope('1', 0), envelope('2', 0)], cursor: 'old2' });
    fake().last.deliver({ events: [envelope('1', 0)], cursor: 'new1', reset: true });
    expect(service.lastReset()).toEqual({ at: clock.time, cursor: 'new1', replayed: 1, count: 1 });
    expect(service.events().map((event) => [event.envelope.id, event.generation])).toEqual([
      ['1', 1],
      ['2', 0],
      ['1', 0],
    ]);
    expect(service.integrity()).toEqual({ gaps: 0, duplicates: 0 });
    service.dismissReset();
    expect(service.lastReset()).toBeUndefined();
  });

  it('counts repeats and skipped positions instead of hiding them', () => {
    const { service, fake } = setup();
    service.start(['ticker']);
    fake().last.deliver({ events: [envelope('1', 0), envelope('2', 0), envelope('2', 0), envelope('5', 0)], cursor: 'c5' });
    expect(service.integrity()).toEqual({ gaps: 1, duplicates: 1 });
  });

  it('shows an error the SDK gave up on, and resumes from the cursor on request', () => {
    const { service, fake } = setup();
    service.start(['ticker']);
    fake().last.deliver({ events: [], cursor: 'c3' });
    const error = new HeraldError(409, 'too_many_topics', 'too many topics');
    fake().last.fail(error);
    expect(service.error()).toBe(error);
    expect(service.state()).toEqual({ status: 'closed', reason: error.message, error });
    expect(service.canResume()).toBe(true);
    service.resume();
    expect(fake().last.since).toBe('c3');
    expect(service.error()).toBeUndefined();
  });

  it('start replaces the subscription with a fresh transport and clears what was received', () => {
    const { service, created } = setup();
    service.start(['ticker']);
    created[0].last.deliver({ events: [envelope('1', 0)], cursor: 'c1' });
    service.start(['chat']);
    expect(created).toHaveLength(2);
    expect(created[0].last.closed).toBe(true);
    expect(created[1].last).toMatchObject({ topics: ['chat'], since: undefined });
    expect(service.events()).toEqual([]);
    expect(service.cursor()).toBeUndefined();
    expect(service.topics()).toEqual(['chat']);
  });

  it('ignores state changes of a paused or stopped subscription', () => {
    const { service, fake } = setup();
    service.start(['ticker']);
    service.pause();
    fake().setState({ status: 'open' });
    expect(service.status()).toBe('paused');
    service.stop();
    expect(service.status()).toBe('idle');
    service.resume();
    expect(fake().subscriptions).toHaveLength(1);
  });

  it('publishes through its transport', async () => {
    const { service, fake } = setup();
    service.start(['ticker']);
    await expect(service.publish('chat', { text: 'hi' }, 'message')).resolves.toMatchObject({ topic: 'chat', type: 'message' });
    expect(fake().published).toEqual([{ topic: 'chat', data: { text: 'hi' }, type: 'message' }]);
  });
});
