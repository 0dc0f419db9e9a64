import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiInstance } from './api';
import { ensureApiBuilt } from './build';
import { NginxProxy } from './nginx';
import { RedisServer } from './redis';

/** The reference deployment on loopback: redis-server, API instances A and B on the Redis bus, nginx in front. */
export interface Topology {
  readonly redis: RedisServer;
  readonly a: ApiInstance;
  readonly b: ApiInstance;
  readonly nginx: NginxProxy;
  stop(): Promise<void>;
}

export async function startTopology(env: Record<string, string> = {}): Promise<Topology> {
  ensureApiBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'herald-topology-'));
  const started: { stop(): Promise<unknown> }[] = [];
  const stop = async (): Promise<void> => {
    for (const part of started.reverse()) await part.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redis = await RedisServer.start(join(dir, 'redis'));
    started.push(redis);
    const apiEnv = { REDIS_URL: redis.url, HERALD_REDIS_KEY_PREFIX: 'herald-topology:', ...env };
    const instances = await Promise.allSettled([ApiInstance.start('api-a', apiEnv), ApiInstance.start('api-b', apiEnv)]);
    for (const result of instances) if (result.status === 'fulfilled') started.push(result.value);
    const failed = instances.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const [a, b] = instances.map((result) => (result as PromiseFulfilledResult<ApiInstance>).value);
    const nginx = await NginxProxy.start(join(dir, 'nginx'), [a.port, b.port]);
    started.push(nginx);
    return { redis, a, b, nginx, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
