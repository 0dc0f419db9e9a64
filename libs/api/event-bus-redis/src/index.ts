export { RedisEventBus } from './lib/redis-event-bus';
export type { RedisEventBusOptions, RedisEventBusLogger } from './lib/options';
export { StoreRecreatedError, EventBusClosedError } from './lib/errors';
