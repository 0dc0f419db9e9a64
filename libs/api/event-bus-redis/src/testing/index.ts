export { startRedisTestServer, type RedisTestServer, type RedisTestServerOptions } from './redis-test-server';
