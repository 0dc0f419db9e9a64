import { DynamicModule, Global, Logger, Module, Provider } from '@nestjs/common';
import { EventBus, MemoryEventBus } from '@herald/event-bus';
import { RedisEventBus } from '@herald/event-bus-redis';
import { BusReadiness, StaticBusReadiness } from '../health/bus-readiness';
import { redactUrlPassword, type HeraldConfig } from './config';

/**
 * ioredis reconnect delay: quick at first, then once a second, so an instance
 * is back within about a second of Redis coming back. Commands issued while
 * the connection is down wait for it (ioredis's offline queue) and fail after
 * 20 reconnect attempts (about 15 s).
 */
function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 100, 1_000);
}

/** Connects the Redis bus and reports its readiness changes in the log. */
async function connectRedisBus(config: HeraldConfig): Promise<RedisEventBus> {
  const logger = new Logger('RedisEventBus');
  const url = config.redisUrl as string; // loadConfig requires it for HERALD_BUS=redis
  const shown = redactUrlPassword(url);
  const bus = await RedisEventBus.connect({
    url,
    keyPrefix: config.redisKeyPrefix,
    retention: config.retention,
    maxTopics: config.maxTopics,
    redisOptions: { retryStrategy: reconnectDelayMs },
    logger: {
      warn: (message, error) => logger.warn(error instanceof Error ? `${message}: ${error.message}` : message),
    },
  }).catch((error: unknown) => {
    // Nest buffers logs until the app is up; a bus that cannot start must still say why.
    console.error(`Herald cannot start: Redis at ${shown} is unreachable (${error instanceof Error ? error.message : String(error)})`);
    throw error;
  });
  let wasReady = true;
  bus.readiness$.subscribe((ready) => {
    if (ready === wasReady) return;
    wasReady = ready;
    if (ready) logger.log(`connection to ${shown} is back: ready (live subscribers catch up from where they were)`);
    else logger.warn(`connection to ${shown} lost: not ready; reconnecting, clients stay connected`);
  });
  logger.log(`connected to ${shown} (key prefix ${config.redisKeyPrefix}, epoch ${bus.epoch})`);
  return bus;
}

/**
 * Provides the one `EventBus` every transport shares, chosen by `HERALD_BUS`,
 * and `BusReadiness` for the readiness probe. The Redis bus is connected before
 * the app starts listening (the app fails to start if Redis is unreachable)
 * and is closed last on shutdown, after the transports have drained.
 */
@Global()
@Module({})
export class EventBusModule {
  static forConfig(config: HeraldConfig): DynamicModule {
    const providers: Provider[] =
      config.bus === 'redis'
        ? [
            { provide: EventBus, useFactory: () => connectRedisBus(config) },
            {
              provide: BusReadiness,
              useFactory: (bus: EventBus) => new StaticBusReadiness('redis', () => (bus as RedisEventBus).isReady()),
              inject: [EventBus],
            },
          ]
        : [
            { provide: EventBus, useFactory: () => new MemoryEventBus({ retention: config.retention, maxTopics: config.maxTopics }) },
            { provide: BusReadiness, useValue: new StaticBusReadiness('memory', () => true) },
          ];
    return { module: EventBusModule, providers, exports: [EventBus, BusReadiness] };
  }
}
