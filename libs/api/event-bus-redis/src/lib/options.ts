import type { Redis, RedisOptions } from 'ioredis';

/** Where the bus reports problems it recovers from by itself (connection loss, retries). */
export interface RedisEventBusLogger {
  warn(message: string, error?: unknown): void;
}

export interface RedisEventBusOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379/0`; the bus opens and closes its own connections. */
  url?: string;
  /** Connection options applied with `url`. */
  redisOptions?: RedisOptions;
  /**
   * A client to share instead of `url`. The bus borrows it (`close()` leaves it
   * open) and duplicates it for its one blocking reader. It must not set
   * ioredis's own `keyPrefix`; use `keyPrefix` here.
   */
  redis?: Redis;
  /** Prefix of every key the bus uses (default `herald:`); buses with the same prefix share one log. */
  keyPrefix?: string;
  /** Events retained per topic (default 10,000). */
  retention?: number;
  /** Most distinct topics (default 10,000); publishing to one more fails with `TopicLimitError`. */
  maxTopics?: number;
  /** Clock for envelope timestamps (epoch ms), read by the publishing instance. */
  now?: () => number;
  /** Longest wait of one blocking read (default 1,000 ms); bounds how late a missed wake-up can make a new subscription. */
  blockMs?: number;
  /** Defaults to `console`. */
  logger?: RedisEventBusLogger;
}

export interface ResolvedOptions {
  readonly keyPrefix: string;
  readonly retention: number;
  readonly maxTopics: number;
  readonly now: () => number;
  readonly blockMs: number;
  readonly logger: RedisEventBusLogger;
}

const consoleLogger: RedisEventBusLogger = {
  warn: (message, error) => (error === undefined ? console.warn(message) : console.warn(message, error)),
};

export function resolveOptions(options: RedisEventBusOptions): ResolvedOptions {
  if ((options.url === undefined) === (options.redis === undefined)) {
    throw new TypeError('RedisEventBus needs exactly one of `url` or `redis`');
  }
  if (options.redis?.options.keyPrefix) {
    throw new TypeError('the shared Redis client must not set ioredis `keyPrefix`; pass `keyPrefix` to RedisEventBus instead');
  }
  const resolved: ResolvedOptions = {
    keyPrefix: options.keyPrefix ?? 'herald:',
    retention: options.retention ?? 10_000,
    maxTopics: options.maxTopics ?? 10_000,
    now: options.now ?? Date.now,
    blockMs: options.blockMs ?? 1_000,
    logger: options.logger ?? consoleLogger,
  };
  for (const name of ['retention', 'maxTopics', 'blockMs'] as const) {
    if (!Number.isSafeInteger(resolved[name]) || resolved[name] < 1) throw new RangeError(`${name} must be a positive integer`);
  }
  return resolved;
}
