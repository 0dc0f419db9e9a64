import { BehaviorSubject, Observable, Subscriber } from 'rxjs';
import type { Delivery, Envelope } from '@herald/contracts';
import { ConnectionState, IDLE_STATE, RealtimeTransport, SubscribeOptions, TransportName, TransportStats } from '@herald/client';

/** One `subscribe()` call made on the fake, and the controls to drive it. */
export interface FakeSubscription {
  topics: readonly string[];
  since: string | undefined;
  closed: boolean;
  deliver(delivery: Delivery): void;
  fail(error: unknown): void;
}

/** A scripted RealtimeTransport for unit tests: records subscriptions, lets the test emit deliveries and states. */
export class FakeRealtimeTransport implements RealtimeTransport {
  readonly subscriptions: FakeSubscription[] = [];
  readonly published: { topic: string; data: unknown; type?: string }[] = [];
  private readonly stateSubject = new BehaviorSubject<ConnectionState>(IDLE_STATE);
  readonly state$ = this.stateSubject.asObservable();
  statsValue: TransportStats;

  constructor(readonly name: TransportName) {
    this.statsValue = {
      transport: name,
      eventsReceived: 0,
      requests: 0,
      framesReceived: 0,
      bytesReceived: 0,
      reconnects: 0,
      latency: { count: 0, p50: undefined, p95: undefined, max: undefined },
    };
  }

  get stats(): TransportStats {
    return this.statsValue;
  }

  get last(): FakeSubscription {
    const last = this.subscriptions.at(-1);
    if (!last) throw new Error('nothing subscribed');
    return last;
  }

  setState(state: ConnectionState): void {
    this.stateSubject.next(state);
  }

  subscribe(topics: readonly string[], options: SubscribeOptions = {}): Observable<Delivery> {
    return new Observable<Delivery>((subscriber: Subscriber<Delivery>) => {
      const record: FakeSubscription = {
        topics,
        since: options.since,
        closed: false,
        deliver: (delivery) => subscriber.next(delivery),
        fail: (error) => subscriber.error(error),
      };
      this.subscriptions.push(record);
      this.stateSubject.next({ status: 'connecting' });
      return () => {
        record.closed = true;
        this.stateSubject.next({ status: 'closed', reason: 'unsubscribed' });
      };
    });
  }

  publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    this.published.push({ topic, data, type });
    return Promise.resolve({ id: String(this.published.length), topic, type: type ?? 'message', data, ts: 0 });
  }
}

export function envelope(id: string, ts: number, topic = 'ticker', data: unknown = { n: Number(id) }): Envelope {
  return { id, topic, type: 'message', data, ts };
}
