import { BehaviorSubject, Observable, Subscriber } from 'rxjs';
import type { Delivery, Envelope } from '@herald/contracts';
import { ConnectionState, IDLE_STATE } from '../connection-state';
import { HeraldError } from '../herald-error';
import type { SubscribeOptions, TransportName } from '../realtime-transport';
import { StatsRecorder } from '../stats/transport-stats';
import { FakeFetch } from '../../testing/fake-fetch';
import { ManualTimers } from '../../testing/manual-timers';
import { AutoTransport, NamedTransport } from './auto-transport';

/** A transport whose subscriptions the test drives by hand. */
class ScriptedTransport implements NamedTransport {
  readonly calls: { topics: readonly string[]; options: SubscribeOptions; subscriber: Subscriber<Delivery>; closed: boolean }[] = [];
  readonly states = new BehaviorSubject<ConnectionState>(IDLE_STATE);
  readonly state$ = this.states.asObservable();
  readonly published: string[] = [];
  private readonly recorder: StatsRecorder;

  constructor(readonly name: TransportName) {
    this.recorder = new StatsRecorder(name, () => 0);
  }

  get stats() {
    return this.recorder.snapshot();
  }

  subscribe(topics: readonly string[], options: SubscribeOptions = {}): Observable<Delivery> {
    return new Observable<Delivery>((subscriber) => {
      const call = { topics, options, subscriber, closed: false };
      this.calls.push(call);
      this.states.next({ status: 'connecting' });
      return () => {
        call.closed = true;
      };
    });
  }

  async publish(topic: string): Promise<Envelope> {
    this.published.push(topic);
    return { id: '1', topic, type: 'message', data: null, ts: 0 };
  }

  get current() {
    return this.calls[this.calls.length - 1];
  }

  unavailable(detail = 'refused'): void {
    this.states.next({ status: 'closed', reason: detail });
    this.current.subscriber.error(new HeraldError(0, 'unavailable', detail));
  }
}

function setup() {
  const timers = new ManualTimers();
  const ws = new ScriptedTransport('ws');
  const sse = new ScriptedTransport('sse');
  const poll = new ScriptedTransport('poll');
  const auto = new AutoTransport({
    baseUrl: 'http://herald.test',
    fetch: new FakeFetch().fetch,
    timers,
    random: () => 0.5,
    backoff: { initialMs: 1_000, maxMs: 8_000 },
    candidates: [ws, sse, poll],
  });
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const active: (TransportName | undefined)[] = [];
  const states: ConnectionState[] = [];
  auto.active$.subscribe((name) => active.push(name));
  auto.state$.subscribe((state) => states.push(state));
  return { timers, ws, sse, poll, auto, deliveries, errors, active, states };
}

describe('AutoTransport', () => {
  it('falls back to the next transport when one is unavailable, carrying the cursor across', () => {
    const { ws, sse, auto, deliveries, active, states } = setup();
    auto.subscribe(['news'], { since: 'c0' }).subscribe((d) => deliveries.push(d));
    expect(ws.current.options).toEqual({ since: 'c0' });
    ws.unavailable('upgrade refused');
    expect(sse.current.options).toEqual({ since: 'c0' });
    expect(states).toContainEqual(expect.objectContaining({ status: 'reconnecting', reason: expect.stringContaining('ws unavailable (upgrade refused); trying sse') }));
    sse.current.subscriber.next({ events: [], cursor: 'c1' });
    sse.states.next({ status: 'open' });
    expect(auto.active).toBe('sse');
    expect(active).toEqual([undefined, 'ws', 'sse']);
    expect(states.at(-1)).toEqual({ status: 'open' });
    expect(deliveries).toEqual([{ events: [], cursor: 'c1' }]);
  });

  it('carries a cursor delivered before the failure to the next transport', () => {
    const { ws, sse, poll, auto } = setup();
    auto.subscribe(['news']).subscribe();
    ws.unavailable();
    // e.g. SSE fixed "now" as a cursor, then its stream never opened
    sse.current.subscriber.next({ events: [], cursor: 'fixed-now' });
    sse.unavailable('not an event stream');
    expect(poll.current.options).toEqual({ since: 'fixed-now' });
  });

  it('passes errors that are not about availability straight through', () => {
    const { ws, sse, auto, errors } = setup();
    auto.subscribe(['news']).subscribe({ error: (e) => errors.push(e) });
    const error = new HeraldError(400, 'invalid_topic', 'bad');
    ws.current.subscriber.error(error);
    expect(errors).toEqual([error]);
    expect(sse.calls).toHaveLength(0);
    expect(auto.active).toBeUndefined();
  });

  it('starts over from the best transport after a backoff when none could connect', async () => {
    const { ws, sse, poll, auto, timers, states } = setup();
    auto.subscribe(['news']).subscribe();
    ws.unavailable();
    sse.unavailable();
    poll.unavailable('server down');
    expect(states.at(-1)).toEqual({ status: 'reconnecting', attempt: 1, delayMs: 500, reason: expect.stringContaining('no transport could connect') });
    expect(auto.active).toBeUndefined();
    await timers.advance(500);
    expect(ws.calls).toHaveLength(2);
    expect(auto.active).toBe('ws');
  });

  it('publishes over WebSocket only while ws is active, otherwise over HTTP', async () => {
    const { ws, sse, auto } = setup();
    await auto.publish('a', 1);
    expect(sse.published).toEqual(['a']);
    auto.subscribe(['news']).subscribe();
    await auto.publish('b', 1);
    expect(ws.published).toEqual(['b']);
  });

  it('unsubscribing tears down the active attempt and a pending restart', async () => {
    const { ws, sse, poll, auto, timers, states } = setup();
    const subscription = auto.subscribe(['news']).subscribe();
    ws.unavailable();
    expect(sse.current.closed).toBe(false);
    subscription.unsubscribe();
    expect(sse.current.closed).toBe(true);
    expect(states.at(-1)).toEqual({ status: 'closed', reason: 'unsubscribed' });

    const again = auto.subscribe(['news']).subscribe();
    ws.unavailable();
    sse.unavailable();
    poll.unavailable();
    expect(timers.pending).toBe(1);
    again.unsubscribe();
    expect(timers.pending).toBe(0);
  });
});
