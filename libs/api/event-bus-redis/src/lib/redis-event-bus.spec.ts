import { Redis } from 'ioredis';
import { firstValueFrom, Observable, Subscription, take, timeout, toArray } from 'rxjs';
import { LogReader, StoredEvent, storedEvent, TopicLimitError } from '@herald/event-bus';
import { describeEventBusConformance } from '@herald/event-bus/testing';
import { RedisTestServer, startRedisTestServer } from '../testing';
import { EventBusClosedError, StoreRecreatedError } from './errors';
import type { RedisEventBusOptions } from './options';
import { RedisEventBus } from './redis-event-bus';

let server: RedisTestServer;
let admin: Redis;
const open = new Set<RedisEventBus>();
let prefixSeq = 0;
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };

/** A key prefix no other test uses, so every bus starts on an empty log. */
function freshPrefix(): string {
  prefixSeq++;
  return `test:${process.pid}:${prefixSeq}:`;
}

async function createBus(options: Partial<RedisEventBusOptions> = {}): Promise<RedisEventBus> {
  const bus = await RedisEventBus.connect({ url: server.url, keyPrefix: freshPrefix(), logger, ...options });
  open.add(bus);
  return bus;
}

async function closeBus(bus: RedisEventBus): Promise<void> {
  open.delete(bus);
  await bus.close();
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
async function waitFor(condition: () => boolean | Promise<boolean>, label: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function firstEvents(events: Observable<StoredEvent>, count: number, timeoutMs = 3_000): Promise<StoredEvent[]> {
  return firstValueFrom(events.pipe(take(count), toArray(), timeout(timeoutMs)));
}

/** `CLIENT LIST` lines of the connections buses open. */
async function busConnections(): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return list.split('\n').filter((line) => / name=herald-(bus|live) /.test(line));
}

async function readerIsBlocked(): Promise<boolean> {
  return (await busConnections()).some((line) => line.includes('name=herald-live') && / cmd=xread /.test(line) && / flags=b /.test(line));
}

/**
 * Active sockets and processes (`getActiveResourcesInfo`), once earlier tests' connections have
 * finished closing. Timers are left out: the test runner's own come and go; a timer the bus left
 * behind shows as Jest not exiting.
 */
function ioResources(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((resource) => resource !== 'Timeout')
    .sort();
}

async function settledIoResources(): Promise<string[]> {
  let previous = '';
  let stableReads = 0;
  const deadline = Date.now() + 1_000;
  while (stableReads < 5 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const current = ioResources().join(',');
    stableReads = current === previous ? stableReads + 1 : 0;
    previous = current;
  }
  return ioResources();
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  server = await startRedisTestServer();
  admin = new Redis(server.url, { connectionName: 'test-admin' });
  admin.on('error', () => undefined);
});

afterEach(async () => {
  await Promise.all([...open].map((bus) => closeBus(bus)));
});

afterAll(async () => {
  await admin?.quit();
  await server?.stop();
});

describeEventBusConformance('RedisEventBus', {
  create: ({ retention }) => createBus({ retention }),
  dispose: (bus) => closeBus(bus as RedisEventBus),
});

describe('RedisEventBus on a real redis-server', () => {
  it('shares positions, envelope JSON and epoch between instances, so a cursor from one resumes on another', async () => {
    const keyPrefix = freshPrefix();
    const ts = 1_700_000_000_000;
    const a = await createBus({ keyPrefix, now: () => ts });
    const b = await createBus({ keyPrefix });
    expect(b.epoch).toBe(a.epoch);

    const published: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) published.push(await a.publish('orders', { type: 'order.created', data: { i, tags: ['x', 'ü'], nested: { n: 1.5 } } }));
    expect(published[2].json).toBe(storedEvent('orders', 3, { type: 'order.created', data: published[2].envelope.data }, ts).json);

    const readerB = new LogReader(b);
    const start = await readerB.start(['orders'], readerB.parseSince(new LogReader(a).encode([['orders', 2]])));
    expect(start.reset).toBe(false);
    expect(start.positions.get('orders')).toBe(2);
    const batch = await readerB.readAfter(['orders'], start.positions, 100);
    expect(batch.events.map((e) => e.json)).toEqual(published.slice(2).map((e) => e.json));
    expect(batch.events.map((e) => e.envelope)).toEqual(published.slice(2).map((e) => e.envelope));
    expect(await b.listTopics()).toEqual([{ topic: 'orders', first: 1, latest: 5 }]);
  });

  it('delivers to a live subscriber on one instance, in order, what another instance publishes', async () => {
    const keyPrefix = freshPrefix();
    const a = await createBus({ keyPrefix });
    const b = await createBus({ keyPrefix });
    const received = firstEvents(b.live(['t']), 30);
    await b.ranges(['t']); // the subscription's start is taken on b's command connection before this
    await Promise.all(range(1, 30).map((i) => a.publish('t', { type: 'n', data: i })));
    const events = await received;
    expect(events.map((e) => e.position)).toEqual(range(1, 30));
    expect(b.liveSubscriptionCount()).toBe(0);
  });

  it('lets LogReader on one instance follow, exactly once, what another publishes concurrently', async () => {
    const keyPrefix = freshPrefix();
    const a = await createBus({ keyPrefix });
    const b = await createBus({ keyPrefix });
    for (let i = 0; i < 5; i++) await a.publish('f', { type: 'n', data: i });
    const reader = new LogReader(b);
    const positions: number[] = [];
    let sub: Subscription | undefined;
    const done = new Promise<void>((resolve, reject) => {
      sub = reader.follow(['f'], reader.parseSince(reader.encode([['f', 2]]))).subscribe({
        next: (batch) => {
          positions.push(...batch.events.map((e) => e.position));
          if (positions.length >= 43) resolve();
        },
        error: reject,
      });
    });
    await Promise.all(range(1, 40).map((i) => a.publish('f', { type: 'n', data: i })));
    await done;
    await new Promise((resolve) => setTimeout(resolve, 50));
    sub?.unsubscribe();
    expect(positions).toEqual(range(3, 45));
    expect(b.liveSubscriptionCount()).toBe(0);
  });

  it('picks up a topic subscribed while the reader is blocked at once, not when the block times out', async () => {
    const bus = await createBus({ blockMs: 10_000 });
    const idle = bus.live(['idle']).subscribe();
    await waitFor(readerIsBlocked, 'the reader to block');
    const received = firstEvents(bus.live(['busy']), 1, 2_000);
    await bus.ranges(['busy']);
    const publishedAt = Date.now();
    await bus.publish('busy', { type: 'n', data: 1 });
    const [event] = await received;
    expect(event.position).toBe(1);
    expect(Date.now() - publishedAt).toBeLessThan(1_000);
    idle.unsubscribe();
  });

  it('reads for all subscribers over one connection and releases every subscription', async () => {
    await waitFor(async () => (await busConnections()).length === 0, 'earlier connections to go');
    const bus = await createBus();
    await waitFor(async () => (await busConnections()).length === 2, 'the bus to hold two connections');
    const topics = ['a', 'b', 'c', 'd'];
    const subscriptions = range(1, 20).map((i) => bus.live([topics[i % 4], topics[(i + 1) % 4]]).subscribe());
    const all = firstEvents(bus.live(topics), 8);
    expect(bus.liveSubscriptionCount()).toBe(21);
    await bus.ranges(topics);
    for (const topic of topics) {
      await bus.publish(topic, { type: 'n', data: 1 });
      await bus.publish(topic, { type: 'n', data: 2 });
    }
    expect((await all).length).toBe(8);
    expect((await busConnections()).length).toBe(2);
    for (const subscription of subscriptions) subscription.unsubscribe();
    expect(bus.liveSubscriptionCount()).toBe(0);
  });

  it('survives its connections being killed: a live subscriber misses nothing, and readiness dips then recovers', async () => {
    const keyPrefix = freshPrefix();
    const bus = await createBus({ keyPrefix });
    const publisher = await createBus({ keyPrefix });
    const epoch = bus.epoch;
    const positions: number[] = [];
    let failure: unknown;
    const sub = bus.live(['k']).subscribe({ next: (e) => positions.push(e.position), error: (e: unknown) => (failure = e) });
    await bus.ranges(['k']);
    for (let i = 0; i < 10; i++) await publisher.publish('k', { type: 'n', data: i });
    await waitFor(() => positions.length === 10, 'the first events');

    const readiness: boolean[] = [];
    const watch = bus.readiness$.subscribe((ready) => readiness.push(ready));
    await admin.client('KILL', 'TYPE', 'normal'); // every client but the admin one
    await Promise.all(range(11, 20).map((i) => publisher.publish('k', { type: 'n', data: i })));
    await waitFor(() => positions.length === 20, 'the events published across the reconnect');
    await waitFor(() => bus.isReady(), 'the bus to be ready again');
    watch.unsubscribe();

    expect(positions).toEqual(range(1, 20));
    expect(failure).toBeUndefined();
    expect(bus.epoch).toBe(epoch);
    expect(readiness).toContain(false);
    expect(readiness.at(-1)).toBe(true);
    sub.unsubscribe();
  });

  it('reports not ready while Redis is down; after a restart that lost the data it adopts a new epoch and ends live subscriptions', async () => {
    const bus = await createBus();
    for (let i = 0; i < 3; i++) await bus.publish('r', { type: 'n', data: i });
    const oldEpoch = bus.epoch;
    const cursor = new LogReader(bus).encode([['r', 3]]);
    let failure: unknown;
    bus.live(['r']).subscribe({ error: (e: unknown) => (failure = e) });
    await bus.ranges(['r']);

    await server.stop();
    await waitFor(() => !bus.isReady(), 'the bus to notice Redis is down');
    await server.restart();
    await waitFor(() => bus.isReady(), 'the bus to reconnect', 5_000);
    await waitFor(() => failure !== undefined, 'the live subscription to end');

    expect(failure).toBeInstanceOf(StoreRecreatedError);
    expect(bus.epoch).not.toBe(oldEpoch);
    expect(bus.liveSubscriptionCount()).toBe(0);

    const later = firstEvents(bus.live(['r']), 2);
    await bus.ranges(['r']);
    await bus.publish('r', { type: 'n', data: 'after' });
    await bus.publish('r', { type: 'n', data: 'after' });
    expect((await later).map((e) => e.position)).toEqual([1, 2]);

    const reader = new LogReader(bus);
    expect((await reader.start(['r'], reader.parseSince(cursor))).reset).toBe(true);
  }, 15_000);

  it('refuses a new topic past maxTopics but keeps serving existing ones', async () => {
    const bus = await createBus({ maxTopics: 2 });
    await bus.publish('a', { type: 'x', data: 1 });
    await bus.publish('b', { type: 'x', data: 1 });
    await expect(bus.publish('c', { type: 'x', data: 1 })).rejects.toBeInstanceOf(TopicLimitError);
    await expect(bus.publish('a', { type: 'x', data: 2 })).resolves.toMatchObject({ position: 2 });
    expect((await bus.listTopics()).map((r) => r.topic).sort()).toEqual(['a', 'b']);
  });

  it('trims large logs approximately, within retention and twice retention', async () => {
    const retention = 1_000;
    const bus = await createBus({ retention });
    await Promise.all(range(1, 2_600).map((i) => bus.publish('big', { type: 'n', data: i })));
    const [{ first, latest }] = await bus.ranges(['big']);
    expect(latest).toBe(2_600);
    expect(latest - first + 1).toBeGreaterThanOrEqual(retention);
    expect(latest - first + 1).toBeLessThanOrEqual(2 * retention);
    const { events } = await bus.read('big', 0, 5_000);
    expect(events.map((e) => e.position)).toEqual(range(first, latest));
  });

  it('closes promptly even while the reader is blocked, completes live subscribers and leaves nothing running', async () => {
    const resourcesBefore = await settledIoResources();
    const bus = await createBus({ blockMs: 10_000 });
    let completed = false;
    bus.live(['c']).subscribe({ complete: () => (completed = true) });
    await waitFor(readerIsBlocked, 'the reader to block');
    const started = Date.now();
    await closeBus(bus);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(completed).toBe(true);
    expect(bus.isReady()).toBe(false);
    expect(bus.liveSubscriptionCount()).toBe(0);
    await expect(bus.publish('c', { type: 'n', data: 1 })).rejects.toBeInstanceOf(EventBusClosedError);
    await expect(closeBus(bus)).resolves.toBeUndefined();
    expect(ioResources()).toEqual(resourcesBefore); // no socket left
    await waitFor(async () => (await busConnections()).length === 0, 'the server to see both connections gone');
  });

  it('borrows a client given as `redis`: closing the bus leaves it open', async () => {
    const client = new Redis(server.url);
    try {
      const bus = await createBus({ url: undefined, redis: client });
      await expect(bus.publish('s', { type: 'n', data: 1 })).resolves.toMatchObject({ position: 1 });
      await closeBus(bus);
      expect(client.status).toBe('ready');
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('rejects connect() when Redis cannot be reached, leaving nothing running', async () => {
    const resourcesBefore = await settledIoResources();
    await expect(RedisEventBus.connect({ url: 'redis://127.0.0.1:1', logger })).rejects.toThrow(/ECONNREFUSED/);
    expect(ioResources()).toEqual(resourcesBefore);
  });
});

describe('RedisEventBus bus lag', () => {
  it('reports the publish-to-fan-out delay of the newest live event', async () => {
    const server = await startRedisTestServer();
    const keyPrefix = `lag:${Date.now()}:`;
    // The publisher's clock runs 1.5 s behind, so its events look 1.5 s old on arrival.
    const publisher = await RedisEventBus.connect({ url: server.url, keyPrefix, now: () => Date.now() - 1500 });
    const subscriber = await RedisEventBus.connect({ url: server.url, keyPrefix });
    expect(subscriber.lagSeconds()).toBe(0);
    const received = firstValueFrom(subscriber.live(['lag']).pipe(take(1), timeout(5000)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await publisher.publish('lag', { type: 't', data: 1 });
    await received;
    expect(subscriber.lagSeconds()).toBeGreaterThanOrEqual(1.4);
    expect(subscriber.lagSeconds()).toBeLessThan(5);
    await publisher.close();
    await subscriber.close();
    await server.stop();
  });
});
