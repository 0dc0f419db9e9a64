import { startRedisTestServer, type RedisTestServer } from '@herald/event-bus-redis/testing';
import { ShutdownState } from '../../src/health/shutdown-state';
import { eventually, type HeraldServer, startHerald } from '../support/herald-server';

async function get(url: string): Promise<{ status: number; body: Record<string, unknown>; cacheControl: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cacheControl: res.headers.get('cache-control') };
}

describe('health probes', () => {
  describe('with the in-memory bus', () => {
    let server: HeraldServer;
    beforeAll(async () => {
      server = await startHerald({ HERALD_INSTANCE: 'solo' });
    });
    afterAll(() => server.close());

    it('answers liveness and readiness outside /api, uncached, in the Terminus result shape', async () => {
      const live = await get(`${server.url}/health/live`);
      expect(live).toMatchObject({ status: 200, cacheControl: 'no-store' });
      expect(live.body).toMatchObject({ status: 'ok', error: {}, info: { process: { status: 'up', instance: 'solo', pid: expect.any(Number) } } });
      const ready = await get(`${server.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', error: {}, details: { bus: { status: 'up', kind: 'memory' }, shutdown: { status: 'up' }, instance: { name: 'solo' } } });
      expect((await fetch(`${server.url}/api/health/live`)).status).toBe(404);
    });

    it('is not ready once shutdown has begun, while still alive', async () => {
      server.app.get(ShutdownState).begin();
      const ready = await get(`${server.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'shutting_down', error: { shutdown: { status: 'down' } } });
      expect((await get(`${server.url}/health/live`)).status).toBe(200);
    });
  });

  describe('with authentication on', () => {
    let server: HeraldServer;
    beforeAll(async () => {
      server = await startHerald({ HERALD_AUTH: 'on', HERALD_JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789' });
    });
    afterAll(() => server.close());

    it('answers probes without credentials, while the API itself wants them', async () => {
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/topics`)).status).toBe(401);
    });
  });

  describe('with the Redis bus', () => {
    let redis: RedisTestServer;
    let server: HeraldServer;
    beforeAll(async () => {
      redis = await startRedisTestServer();
      server = await startHerald({ HERALD_BUS: 'redis', REDIS_URL: redis.url, HERALD_REDIS_KEY_PREFIX: 'health-test:' });
    });
    afterAll(async () => {
      await server?.close();
      await redis?.stop();
    });

    it('reflects the Redis connection in readiness, never in liveness', async () => {
      expect((await get(`${server.url}/health/ready`)).body).toMatchObject({ status: 'ok', details: { bus: { status: 'up', kind: 'redis' } } });

      await redis.stop();
      let ready = await get(`${server.url}/health/ready`);
      await eventually(async () => (ready = await get(`${server.url}/health/ready`)).status === 503, 'not ready without Redis');
      expect(ready.body).toMatchObject({ status: 'error', error: { bus: { status: 'down', kind: 'redis', message: expect.stringContaining('reconnecting') } } });
      expect((await get(`${server.url}/health/live`)).status).toBe(200);

      await redis.restart();
      await eventually(async () => (await get(`${server.url}/health/ready`)).status === 200, 'ready again once Redis is back', 8_000);
      const res = await fetch(`${server.url}/api/topics/after-outage/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: 1 }),
      });
      expect(res.status).toBe(201);
    }, 20_000);
  });
});
