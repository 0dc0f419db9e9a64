import type { Delivery } from '@herald/contracts';
import type { ConnectionState } from '../connection-state';
import { fakeEventSourceClass } from '../../testing/fake-event-source';
import { FakeFetch, problem } from '../../testing/fake-fetch';
import { ManualTimers } from '../../testing/manual-timers';
import { SseTransport } from './sse-transport';

const envelope = (id: string) => ({ id, topic: 'news', type: 'message', data: id, ts: 1_700_000_000_000 });

function setup() {
  const timers = new ManualTimers();
  const http = new FakeFetch();
  const { EventSource, sources } = fakeEventSourceClass();
  const transport = new SseTransport({
    baseUrl: 'http://herald.test',
    EventSource,
    fetch: http.fetch,
    timers,
    random: () => 0.5,
    heartbeatTimeoutMs: 8_000,
    backoff: { initialMs: 200, maxMs: 2_000 },
  });
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const states: ConnectionState[] = [];
  transport.state$.subscribe((state) => states.push(state));
  const subscribe = (since?: string) =>
    transport.subscribe(['news'], since === undefined ? {} : { since }).subscribe({ next: (d) => deliveries.push(d), error: (e) => errors.push(e) });
  const last = () => sources[sources.length - 1];
  return { timers, http, sources, transport, deliveries, errors, states, subscribe, last };
}

describe('SseTransport', () => {
  it('fixes "now" as a cursor with one poll, then streams from it', async () => {
    const { http, timers, subscribe, sources, last, states, deliveries } = setup();
    subscribe();
    await timers.advance(0);
    const poll = http.next();
    expect(poll.path).toBe('/api/poll');
    expect(sources).toHaveLength(0);
    poll.respond(200, { events: [], cursor: 'c0' });
    await timers.advance(0);
    expect(last().url).toBe('http://herald.test/api/sse?topics=news&since=c0');
    last().open();
    expect(states.at(-1)).toEqual({ status: 'open' });
    last().message(envelope('1'), 'c1');
    last().message(envelope('2'), 'c2');
    expect(deliveries).toEqual([
      { events: [], cursor: 'c0' },
      { events: [envelope('1')], cursor: 'c1' },
      { events: [envelope('2')], cursor: 'c2' },
    ]);
  });

  it('surfaces a reset event as a reset delivery', () => {
    const { subscribe, last, deliveries } = setup();
    subscribe('old-epoch');
    last().open();
    last().message({ reset: true, cursor: 'r0' }, 'r0', 'reset');
    last().message(envelope('1'), 'r1');
    expect(deliveries).toEqual([
      { events: [], cursor: 'r0', reset: true },
      { events: [envelope('1')], cursor: 'r1' },
    ]);
  });

  it('lets EventSource heal a short drop itself (Last-Event-ID), reporting reconnecting', () => {
    const { subscribe, last, sources, states, transport } = setup();
    subscribe('c0');
    last().open();
    last().message(envelope('1'), 'c1');
    last().error(true);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 0 });
    last().open();
    expect(states.at(-1)).toEqual({ status: 'open' });
    expect(sources).toHaveLength(1);
    expect(transport.stats.reconnects).toBe(1);
  });

  it('takes over with backoff and ?since=<last id> when EventSource cannot heal it', async () => {
    const { subscribe, last, sources, timers } = setup();
    subscribe('c0');
    last().open();
    last().message(envelope('1'), 'c1');
    last().error(true);
    last().error(true); // its own retry failed too
    expect(sources[0].closed).toBe(true);
    await timers.advance(100);
    expect(sources).toHaveLength(2);
    expect(last().query.get('since')).toBe('c1');
  });

  it('replaces an EventSource that does not open within the heartbeat timeout', async () => {
    const { subscribe, sources, timers, states } = setup();
    subscribe('c0');
    await timers.advance(8_000);
    expect(sources[0].closed).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', reason: expect.stringContaining('not open within 8000 ms') });
  });

  it('asks with fetch why EventSource gave up: invalid_cursor restarts from now with a reset', async () => {
    const { subscribe, last, http, timers, deliveries, errors } = setup();
    subscribe('bogus');
    last().error(false);
    await timers.advance(0);
    const probe = http.next();
    expect(probe.path).toBe('/api/sse');
    expect(probe.query('since')).toBe('bogus');
    probe.respond(400, problem(400, 'invalid_cursor'));
    await timers.advance(0);
    http.next().respond(200, { events: [], cursor: 'now' });
    await timers.advance(0);
    expect(last().query.get('since')).toBe('now');
    expect(deliveries).toEqual([{ events: [], cursor: 'now', reset: true }]);
    expect(errors).toEqual([]);
  });

  it('asks with fetch why EventSource gave up: other 4xx errors the stream', async () => {
    const { subscribe, last, http, timers, errors } = setup();
    subscribe('c0');
    last().open();
    last().error(false);
    await timers.advance(0);
    http.next().respond(409, problem(409, 'too_many_topics'));
    await timers.advance(0);
    expect(errors[0]).toMatchObject({ status: 409, code: 'too_many_topics' });
  });

  it('rejects a message that is not an envelope, or has no id', () => {
    const a = setup();
    a.subscribe('c0');
    a.last().open();
    a.last().message('not json', 'c1');
    expect(a.errors[0]).toMatchObject({ code: 'protocol_error', detail: expect.stringContaining('SSE message data is not valid JSON') });
    const b = setup();
    b.subscribe('c0');
    b.last().open();
    b.last().message(envelope('1'), '');
    expect(b.errors[0]).toMatchObject({ code: 'protocol_error', detail: expect.stringContaining('SSE message id') });
  });

  it('unsubscribing closes the EventSource and clears its timers', () => {
    const { subscribe, last, timers } = setup();
    const subscription = subscribe('c0');
    last().open();
    subscription.unsubscribe();
    expect(last().closed).toBe(true);
    expect(timers.pending).toBe(0);
  });
});
