import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { EventBus, TopicLimitError, type PublishInput, type ReadResult, type StoredEvent, type TopicRange } from '@herald/event-bus';
import { closeConnection, DISCONNECT_TIMEOUT_MS } from './connections';
import { EventBusClosedError, StoreRecreatedError } from './errors';
import { RedisKeys } from './keys';
import { LiveReader } from './live-reader';
import { resolveOptions, type RedisEventBusOptions, type ResolvedOptions } from './options';
import { asArray, asInteger, asString, UnexpectedReplyError } from './replies';
import { APPEND, EPOCH, READ, REGISTER_TOPIC } from './scripts';
import { decodeEntry, entryBody, storedFromBody } from './stream-entries';

/**
 * From this retention on, logs are trimmed approximately (whole stream nodes at
 * a time, cheaper): a topic then keeps between `retention` and `retention` plus
 * one node (`stream-node-max-entries`, 100 by default), within 2 × retention
 * while nodes hold at most this many entries. Below it, trimming is exact.
 */
const APPROXIMATE_TRIM_FROM = 1_000;

const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The blocking reader waits as long as it must: it never gives up on a command while the server is away. */
const READER_OVERRIDES: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: null,
  commandTimeout: undefined,
  socketTimeout: undefined,
  connectionName: 'herald-live',
  disconnectTimeout: DISCONNECT_TIMEOUT_MS,
};

/**
 * `EventBus` on Redis Streams, for several API instances sharing one log.
 *
 * Guarantees, beyond the port's:
 * - every instance on the same Redis and `keyPrefix` sees the same positions,
 *   the same envelope JSON (byte for byte) and the same `epoch`, so a cursor
 *   issued by one instance resumes on any other;
 * - the epoch lives in Redis: when the store is recreated (a restart without
 *   persistence, a flush), the first instance to notice picks a new one, every
 *   instance adopts it on reconnecting, and open live subscriptions end with
 *   `StoreRecreatedError`. A store emptied without any reconnect is still
 *   detected by readers: their cursors are then ahead of the log, which
 *   `LogReader` reports as `reset`;
 * - live delivery uses one Redis connection per instance, however many
 *   subscribers, and survives connection loss without losing events;
 * - publishing is at least once: a publish in flight when the connection drops
 *   is resent on reconnect, and may then be appended twice.
 *
 * Single-node Redis (or a primary with replicas); not Redis Cluster, since one
 * blocking read covers many topics.
 */
export class RedisEventBus extends EventBus {
  private readonly keys: RedisKeys;
  private readonly live$: LiveReader;
  private readonly knownTopics = new Set<string>();
  private readonly readiness = new BehaviorSubject<boolean>(false);
  private epochId = '';
  private lastConnectionError: unknown;
  private closing: Promise<void> | undefined;

  /** Whether the bus can publish and deliver live now; emits on every change, completes on close. */
  readonly readiness$: Observable<boolean> = this.readiness.pipe(distinctUntilChanged());

  /** Opens the connections and loads the deployment's epoch; rejects (leaving nothing open) if Redis cannot be reached. */
  static async connect(options: RedisEventBusOptions): Promise<RedisEventBus> {
    const settings = resolveOptions(options);
    const owned = options.redis === undefined;
    const main = options.redis ?? new Redis(options.url as string, { connectionName: 'herald-bus', disconnectTimeout: DISCONNECT_TIMEOUT_MS, ...options.redisOptions, lazyConnect: true });
    const bus = new RedisEventBus(settings, main, owned, main.duplicate(READER_OVERRIDES));
    try {
      await bus.start();
    } catch (error) {
      await bus.close();
      // ioredis reports a failed first connection as "Connection is closed."; the socket error says why.
      const cause = bus.lastConnectionError ?? error;
      throw new Error(`RedisEventBus could not connect to Redis: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    return bus;
  }

  private constructor(
    private readonly settings: ResolvedOptions,
    private readonly main: Redis,
    private readonly ownsMain: boolean,
    private readonly reader: Redis,
  ) {
    super();
    this.keys = new RedisKeys(settings.keyPrefix);
    this.live$ = new LiveReader({
      reader,
      main,
      keys: this.keys,
      blockMs: settings.blockMs,
      logger: settings.logger,
      verifyEpoch: (connection) => this.refreshEpoch(connection),
    });
    for (const client of [main, reader]) {
      for (const event of ['ready', 'close', 'end', 'reconnecting', 'connect']) client.on(event, this.onStatus);
      client.on('error', this.onError);
    }
    main.on('ready', this.onMainReady);
  }

  get epoch(): string {
    return this.epochId;
  }

  get retention(): number {
    return this.settings.retention;
  }

  /** True while both connections are up and the bus is open. */
  isReady(): boolean {
    return this.closing === undefined && this.main.status === 'ready' && this.reader.status === 'ready';
  }

  async publish(topic: string, input: PublishInput): Promise<StoredEvent> {
    this.assertOpen();
    const ts = this.settings.now();
    const body = entryBody(topic, input, ts);
    if (!this.knownTopics.has(topic)) {
      const admitted = await REGISTER_TOPIC.run(this.main, [this.keys.topics], [topic, this.settings.maxTopics]);
      if (asInteger(admitted, 'topic registration') !== 1) {
        throw new TopicLimitError(`this deployment holds the most topics it may (${this.settings.maxTopics})`);
      }
      this.knownTopics.add(topic);
    }
    const { retention } = this.settings;
    const trim = retention >= APPROXIMATE_TRIM_FROM ? '~' : '=';
    const position = asInteger(await APPEND.run(this.main, [this.keys.stream(topic), this.keys.counter(topic)], [trim, retention, body]), 'append');
    return storedFromBody(topic, position, body, { id: String(position), topic, type: input.type, data: input.data, ts });
  }

  async read(topic: string, after: number, limit: number): Promise<ReadResult> {
    this.assertOpen();
    const from = Number.isFinite(after) ? Math.max(0, Math.floor(after)) + 1 : 1;
    const count = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
    const reply = asArray(await READ.run(this.main, [this.keys.stream(topic), this.keys.counter(topic)], [String(from), count]), 'read');
    const range = rangeOf(topic, reply);
    const events = asArray(reply[2], 'read entries').map((entry) => decodeEntry(topic, entry));
    return { events, range };
  }

  async ranges(topics: readonly string[]): Promise<TopicRange[]> {
    this.assertOpen();
    return Promise.all(
      topics.map(async (topic) => rangeOf(topic, asArray(await READ.run(this.main, [this.keys.stream(topic), this.keys.counter(topic)], ['1', 0]), 'range'))),
    );
  }

  async listTopics(): Promise<TopicRange[]> {
    this.assertOpen();
    const topics = await this.main.smembers(this.keys.topics);
    return (await this.ranges(topics)).filter((range) => range.latest > 0);
  }

  live(topics: readonly string[]): Observable<StoredEvent> {
    return this.live$.observe(topics);
  }

  /** Delay between the newest live event's publish (its `ts`, taken by the publishing instance) and its fan-out here. */
  override lagSeconds(): number {
    return this.live$.lastLagMs / 1000;
  }

  liveSubscriptionCount(): number {
    return this.live$.subscriptionCount;
  }

  /**
   * Completes live subscriptions, stops reading and closes the bus's connections
   * (a shared client given as `redis` stays open). Idempotent; leaves no timer
   * or socket behind.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * Nest lifecycle hook: closing the application closes the bus — last, once
   * the HTTP server is closed, so transports draining on shutdown (answering
   * long polls, ending streams) still have a working bus. (`onModuleDestroy`
   * would run before every `beforeApplicationShutdown` hook.)
   */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private async start(): Promise<void> {
    if (this.main.status === 'wait') await this.main.connect();
    await this.reader.connect();
    this.epochId = await this.fetchEpoch(this.main);
    this.onStatus();
  }

  private async shutdown(): Promise<void> {
    await this.live$.close();
    this.main.off('ready', this.onMainReady);
    const closed = [closeConnection(this.reader, false)];
    if (this.ownsMain) closed.push(closeConnection(this.main, true));
    await Promise.all(closed);
    if (!this.ownsMain) {
      for (const event of ['ready', 'close', 'end', 'reconnecting', 'connect']) this.main.off(event, this.onStatus);
      this.main.off('error', this.onError);
    }
    this.readiness.next(false);
    this.readiness.complete();
  }

  private assertOpen(): void {
    if (this.closing) throw new EventBusClosedError('the RedisEventBus is closed');
  }

  private async fetchEpoch(connection: Redis): Promise<string> {
    const epoch = asString(await EPOCH.run(connection, [this.keys.epoch], [randomBytes(9).toString('base64url')]), 'epoch');
    if (!EPOCH_PATTERN.test(epoch)) throw new UnexpectedReplyError(`the epoch stored at ${this.keys.epoch} is not a valid epoch`);
    return epoch;
  }

  /** Adopts the stored epoch; if it changed, the store was recreated and live positions no longer hold. */
  private async refreshEpoch(connection: Redis): Promise<void> {
    const epoch = await this.fetchEpoch(connection);
    if (this.closing || this.epochId === '' || epoch === this.epochId) return;
    const previous = this.epochId;
    this.epochId = epoch;
    this.knownTopics.clear();
    this.settings.logger.warn(`[RedisEventBus] the Redis store was recreated: epoch ${previous} -> ${epoch}`);
    this.live$.failAll(new StoreRecreatedError(`the event log was recreated (epoch ${previous} is now ${epoch}); resume with your cursor`));
  }

  private readonly onMainReady = (): void => {
    this.refreshEpoch(this.main).catch((error: unknown) => this.settings.logger.warn('[RedisEventBus] could not check the epoch after reconnecting', error));
  };

  private readonly onStatus = (): void => {
    const ready = this.isReady();
    if (!this.readiness.closed && this.readiness.value !== ready) this.readiness.next(ready);
  };

  private readonly onError = (error: unknown): void => {
    if (this.epochId === '') {
      this.lastConnectionError = error; // still connecting: connect() reports it
    } else if (!this.closing) {
      this.settings.logger.warn('[RedisEventBus] Redis connection error', error);
    }
  };
}

function rangeOf(topic: string, reply: unknown[]): TopicRange {
  return { topic, latest: asInteger(reply[0], 'latest position'), first: asInteger(reply[1], 'first position') };
}
