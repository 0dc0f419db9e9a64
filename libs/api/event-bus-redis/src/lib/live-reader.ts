import type { Redis } from 'ioredis';
import { Observable, Subject } from 'rxjs';
import type { StoredEvent } from '@herald/event-bus';
import { Deferred } from './deferred';
import { EventBusClosedError } from './errors';
import type { RedisKeys } from './keys';
import type { RedisEventBusLogger } from './options';
import { asArray, asString } from './replies';
import { positionOfId, splitEntry, storedFromBody } from './stream-entries';

export interface LiveReaderOptions {
  /** The connection that blocks reading; nothing else waits behind it. */
  readonly reader: Redis;
  /** The bus's command connection: a new subscription's start is taken on it, ahead of the subscriber's own reads. */
  readonly main: Redis;
  readonly keys: RedisKeys;
  readonly blockMs: number;
  readonly logger: RedisEventBusLogger;
  /** Runs on the reader connection once it is back after a loss, before anything more is read. */
  verifyEpoch(connection: Redis): Promise<void>;
}

/** One topic's local fan-out, shared by every live subscriber of the topic on this instance. */
interface Feed {
  readonly topic: string;
  readonly key: string;
  readonly subject: Subject<StoredEvent>;
  subscribers: number;
  /** Last stream id delivered (or the head when the feed started); undefined until the start is known. */
  lastId: string | undefined;
  lastPosition: number;
  /** The start is being taken on the command connection. */
  starting: boolean;
}

/** The feeds one blocking read covers, by stream key. */
type ReadRequest = Map<string, Feed>;

/** The blocking read was abandoned: its connection dropped, or the reader closed. */
class Interrupted extends Error {}

/** Entries read per topic per round trip. */
const READ_COUNT = 500;
const UNBLOCK_ATTEMPTS = 20;
const UNBLOCK_RETRY_MS = 10;
const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 2_000;

/**
 * Live delivery for one bus instance over one blocking connection, whatever the
 * number of subscribers.
 *
 * Guarantees:
 * - a subscriber receives, in position order per topic, every event appended
 *   after its subscription was made (and possibly a few appended just before);
 * - a connection loss loses nothing: reading resumes after the last event
 *   delivered per topic once the connection is back;
 * - a topic subscribed while a read is blocked is picked up at once, and at the
 *   latest after `blockMs`;
 * - when the last subscriber of a topic leaves, nothing is held for it any more.
 */
export class LiveReader {
  /** Publish-to-fan-out delay of the most recent event read, in ms (the bus lag metric). */
  lastLagMs = 0;

  private readonly feeds = new Map<string, Feed>();
  private subscriptions = 0;
  private closed = false;
  private epochCheckDue = false;
  private clientId: number | undefined;
  private blocked: ReadRequest | undefined;
  private readonly unblocking = new WeakSet<ReadRequest>();
  private unblockFailed = false;
  private interrupt = new Deferred<never>();
  private wakeup = new Deferred<void>();
  private readerReady: Deferred<void> | undefined;
  private readonly delays = new Map<NodeJS.Timeout, () => void>();
  private readonly loop: Promise<void>;

  constructor(private readonly options: LiveReaderOptions) {
    options.reader.on('close', this.onReaderClose);
    options.reader.on('ready', this.onReaderReady);
    this.loop = this.run();
  }

  get subscriptionCount(): number {
    return this.subscriptions;
  }

  observe(topics: readonly string[]): Observable<StoredEvent> {
    return new Observable<StoredEvent>((subscriber) => {
      if (this.closed) {
        subscriber.error(new EventBusClosedError('the RedisEventBus is closed'));
        return undefined;
      }
      this.subscriptions++;
      const attached: Feed[] = [];
      for (const topic of new Set(topics)) {
        const feed = this.feeds.get(topic) ?? this.openFeed(topic);
        feed.subscribers++;
        attached.push(feed);
        subscriber.add(feed.subject.subscribe(subscriber));
      }
      return () => {
        this.subscriptions--;
        for (const feed of attached) {
          feed.subscribers--;
          if (feed.subscribers === 0 && this.feeds.get(feed.topic) === feed) this.feeds.delete(feed.topic);
        }
      };
    });
  }

  /** Ends every live subscription with `error`; later subscriptions start afresh. */
  failAll(error: Error): void {
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    for (const feed of feeds) feed.subject.error(error);
  }

  /** Completes every live subscription and stops reading; settles once nothing is left running. */
  async close(): Promise<void> {
    if (this.closed) return this.loop;
    this.closed = true;
    this.options.reader.off('close', this.onReaderClose);
    this.options.reader.off('ready', this.onReaderReady);
    this.interrupt.reject(new Interrupted('closed'));
    this.wakeup.resolve();
    this.readerReady?.resolve();
    for (const [timer, resolve] of this.delays) {
      clearTimeout(timer);
      resolve();
    }
    this.delays.clear();
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    for (const feed of feeds) feed.subject.complete();
    return this.loop;
  }

  private openFeed(topic: string): Feed {
    const feed: Feed = {
      topic,
      key: this.options.keys.stream(topic),
      subject: new Subject<StoredEvent>(),
      subscribers: 0,
      lastId: undefined,
      lastPosition: 0,
      starting: true,
    };
    this.feeds.set(topic, feed);
    // Taken on the command connection now, so it precedes any read the subscriber makes next:
    // whatever that read does not return, this feed delivers.
    this.options.main.get(this.options.keys.counter(topic)).then(
      (latest) => {
        feed.starting = false;
        this.setStart(feed, latest);
      },
      (error: unknown) => {
        feed.starting = false;
        if (this.closed || this.feeds.get(topic) !== feed) return;
        this.options.logger.warn(`[RedisEventBus] could not take the live start of ${topic}; retrying on the reader`, error);
        this.wake();
      },
    );
    return feed;
  }

  private setStart(feed: Feed, latest: string | null): void {
    if (this.feeds.get(feed.topic) !== feed || feed.lastId !== undefined) return;
    feed.lastPosition = latest === null ? 0 : Number(latest);
    feed.lastId = `${feed.lastPosition}-0`;
    this.wake();
  }

  private readonly onReaderClose = (): void => {
    this.clientId = undefined;
    this.epochCheckDue = true;
    const interrupt = this.interrupt;
    this.interrupt = new Deferred<never>();
    interrupt.reject(new Interrupted('connection lost'));
  };

  private readonly onReaderReady = (): void => {
    this.readerReady?.resolve();
    this.readerReady = undefined;
  };

  /** Settles with `promise`, or rejects with `Interrupted` if the reader connection drops or closes first. */
  private race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.interrupt.promise]);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        await this.readOnce();
        failures = 0;
      } catch (error) {
        if (this.closed) return;
        failures++;
        if (!(error instanceof Interrupted)) this.options.logger.warn('[RedisEventBus] live read failed; retrying', error);
        try {
          await this.race(this.delay(Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1))));
        } catch {
          // Interrupted while backing off: go round again.
        }
      }
    }
  }

  private async readOnce(): Promise<void> {
    if (!this.hasWork()) {
      this.wakeup = new Deferred<void>();
      await this.race(this.wakeup.promise);
      return;
    }
    const { reader, blockMs } = this.options;
    if (reader.status !== 'ready') {
      this.readerReady ??= new Deferred<void>();
      await this.race(this.readerReady.promise);
    }
    if (this.epochCheckDue) {
      await this.race(this.options.verifyEpoch(reader));
      this.epochCheckDue = false;
    }
    await this.retryStarts();
    const request: ReadRequest = new Map();
    for (const feed of this.feeds.values()) {
      if (feed.lastId !== undefined) request.set(feed.key, feed);
    }
    if (request.size === 0) return;
    this.clientId ??= await this.race(reader.client('ID'));
    const keys = [...request.keys()];
    const ids = [...request.values()].map((feed) => feed.lastId as string);
    this.blocked = request;
    let reply: unknown;
    try {
      reply = await this.race(reader.call('XREAD', 'COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', ...keys, ...ids));
    } finally {
      this.blocked = undefined;
    }
    this.deliver(request, reply);
  }

  private hasWork(): boolean {
    for (const feed of this.feeds.values()) {
      if (feed.lastId !== undefined || !feed.starting) return true;
    }
    return false;
  }

  /** Takes, on the reader, the start of feeds whose start could not be taken on the command connection. */
  private async retryStarts(): Promise<void> {
    for (const feed of [...this.feeds.values()]) {
      if (feed.lastId !== undefined || feed.starting) continue;
      const latest = await this.race(this.options.reader.get(this.options.keys.counter(feed.topic)));
      this.setStart(feed, latest);
    }
  }

  private deliver(request: ReadRequest, reply: unknown): void {
    if (reply === null) return;
    for (const streamReply of asArray(reply, 'XREAD')) {
      const [key, entries] = asArray(streamReply, 'an XREAD stream');
      const feed = request.get(asString(key, 'a stream key'));
      if (!feed) continue;
      for (const entry of asArray(entries, 'stream entries')) {
        // A feed whose subscribers all left (or that was failed) is not read for any more.
        if (this.feeds.get(feed.topic) !== feed) break;
        const { id, body } = splitEntry(entry);
        const position = positionOfId(id);
        if (position <= feed.lastPosition) continue;
        feed.lastPosition = position;
        feed.lastId = id;
        if (body === undefined) {
          this.options.logger.warn(`[RedisEventBus] skipped stream entry ${id} of ${feed.topic}: no envelope`);
          continue;
        }
        const event = storedFromBody(feed.topic, position, body);
        this.lastLagMs = Math.max(0, Date.now() - event.envelope.ts);
        feed.subject.next(event);
      }
    }
  }

  /** Makes the loop notice a changed set of feeds now rather than when its blocking read times out. */
  private wake(): void {
    this.wakeup.resolve();
    const request = this.blocked;
    if (request && this.clientId !== undefined && !this.unblocking.has(request)) {
      this.unblocking.add(request);
      void this.unblock(request, this.clientId);
    }
  }

  private async unblock(request: ReadRequest, clientId: number): Promise<void> {
    const { main, logger } = this.options;
    // The unblock may overtake the read it targets (two connections), so it is retried briefly.
    for (let attempt = 0; attempt < UNBLOCK_ATTEMPTS && this.blocked === request && this.clientId === clientId; attempt++) {
      if (main.status !== 'ready' || this.unblockFailed) return;
      try {
        if ((await main.client('UNBLOCK', clientId)) === 1) return;
      } catch (error) {
        // E.g. CLIENT is not permitted to this user: new topics are then picked up within blockMs.
        this.unblockFailed = true;
        logger.warn('[RedisEventBus] CLIENT UNBLOCK failed; new live topics will wait up to blockMs', error);
        return;
      }
      await this.delay(UNBLOCK_RETRY_MS);
    }
  }

  /** Resolves after `ms`, or at once when the reader closes. */
  private delay(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.set(timer, resolve);
    });
  }
}
