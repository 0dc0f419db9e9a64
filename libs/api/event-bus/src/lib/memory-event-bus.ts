import { randomBytes } from 'node:crypto';
import { Observable, Subject } from 'rxjs';
import { EventBus, PublishInput, ReadResult, StoredEvent, TopicRange, storedEvent } from './event-bus';
import { TopicLimitError } from './errors';

export interface MemoryEventBusOptions {
  /** Most events kept per topic (default 10,000). */
  retention?: number;
  /** Most distinct topics (default 10,000); publishing to one more fails with `TopicLimitError`. */
  maxTopics?: number;
  /** Clock for envelope timestamps (epoch ms). */
  now?: () => number;
  /** Fixed epoch, for tests; a fresh random one otherwise. */
  epoch?: string;
}

/** A topic's log: a ring of the newest `retention` events plus its live fan-out. */
class TopicLog {
  private readonly ring: (StoredEvent | undefined)[];
  private start = 0;
  private size = 0;
  latest = 0;
  live: Subject<StoredEvent> | undefined;

  constructor(
    readonly topic: string,
    private readonly capacity: number,
  ) {
    this.ring = new Array<StoredEvent | undefined>(capacity);
  }

  get first(): number {
    return this.latest - this.size + 1;
  }

  append(event: StoredEvent): void {
    if (this.size < this.capacity) {
      this.ring[(this.start + this.size) % this.capacity] = event;
      this.size++;
    } else {
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    }
    this.latest = event.position;
  }

  after(position: number, limit: number): StoredEvent[] {
    const from = Math.max(position + 1, this.first);
    const count = Math.min(limit, this.latest - from + 1);
    const out: StoredEvent[] = [];
    for (let i = 0; i < count; i++) {
      out.push(this.ring[(this.start + (from - this.first) + i) % this.capacity] as StoredEvent);
    }
    return out;
  }

  range(): TopicRange {
    return { topic: this.topic, first: this.first, latest: this.latest };
  }
}

/**
 * The embedded default bus: one process, logs in memory, a random epoch per
 * instance (a restarted server invalidates every cursor, and says so with `reset`).
 * Publishing is synchronous under the hood, so live subscribers see events in
 * position order and a `live` subscription made before a `read` misses nothing.
 */
export class MemoryEventBus extends EventBus {
  private readonly logs = new Map<string, TopicLog>();
  private readonly retentionLimit: number;
  private readonly maxTopics: number;
  private readonly now: () => number;
  private readonly epochId: string;
  private liveCount = 0;
  /** Topics that hold events; only these count towards `maxTopics` (idle subscriptions do not). */
  private publishedTopics = 0;

  constructor(options: MemoryEventBusOptions = {}) {
    super();
    this.retentionLimit = options.retention ?? 10_000;
    this.maxTopics = options.maxTopics ?? 10_000;
    this.now = options.now ?? Date.now;
    this.epochId = options.epoch ?? randomBytes(6).toString('base64url');
    if (!Number.isSafeInteger(this.retentionLimit) || this.retentionLimit < 1) {
      throw new RangeError('retention must be a positive integer');
    }
  }

  get epoch(): string {
    return this.epochId;
  }

  get retention(): number {
    return this.retentionLimit;
  }

  publish(topic: string, input: PublishInput): Promise<StoredEvent> {
    try {
      return Promise.resolve(this.append(topic, input));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  read(topic: string, after: number, limit: number): Promise<ReadResult> {
    const log = this.logs.get(topic);
    if (!log) {
      return Promise.resolve({ events: [], range: emptyRange(topic) });
    }
    return Promise.resolve({ events: log.after(after, limit), range: log.range() });
  }

  ranges(topics: readonly string[]): Promise<TopicRange[]> {
    return Promise.resolve(topics.map((topic) => this.logs.get(topic)?.range() ?? emptyRange(topic)));
  }

  listTopics(): Promise<TopicRange[]> {
    const out: TopicRange[] = [];
    for (const log of this.logs.values()) {
      if (log.latest > 0) out.push(log.range());
    }
    return Promise.resolve(out);
  }

  live(topics: readonly string[]): Observable<StoredEvent> {
    return new Observable<StoredEvent>((subscriber) => {
      this.liveCount++;
      const attached: TopicLog[] = [];
      for (const topic of new Set(topics)) {
        const log = this.logFor(topic);
        log.live ??= new Subject<StoredEvent>();
        subscriber.add(log.live.subscribe(subscriber));
        attached.push(log);
      }
      return () => {
        this.liveCount--;
        for (const log of attached) {
          if (log.live && !log.live.observed) log.live = undefined;
          if (log.latest === 0 && !log.live) this.logs.delete(log.topic);
        }
      };
    });
  }

  liveSubscriptionCount(): number {
    return this.liveCount;
  }

  private append(topic: string, input: PublishInput): StoredEvent {
    const log = this.logFor(topic);
    if (log.latest === 0) {
      if (this.publishedTopics >= this.maxTopics) {
        if (!log.live) this.logs.delete(topic);
        throw new TopicLimitError(`this server holds the most topics it may (${this.maxTopics})`);
      }
      this.publishedTopics++;
    }
    const event = storedEvent(topic, log.latest + 1, input, this.now());
    log.append(event);
    log.live?.next(event);
    return event;
  }

  private logFor(topic: string): TopicLog {
    let log = this.logs.get(topic);
    if (!log) {
      log = new TopicLog(topic, this.retentionLimit);
      this.logs.set(topic, log);
    }
    return log;
  }
}

function emptyRange(topic: string): TopicRange {
  return { topic, first: 1, latest: 0 };
}
