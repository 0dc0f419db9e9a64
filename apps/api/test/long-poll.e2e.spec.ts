import { SubscriberRegistry } from '@herald/transports';
import { getDelivery } from './support/clients';
import { eventually, HeraldServer, startHerald } from './support/herald-server';

describe('long poll', () => {
  let server: HeraldServer;
  beforeEach(async () => {
    server = await startHerald();
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers an empty delivery with the same cursor at the requested timeout', async () => {
    const { delivery: now } = await getDelivery(server.url, '/api/poll?topics=quiet');
    const started = Date.now();
    const { status, delivery } = await getDelivery(server.url, `/api/long-poll?topics=quiet&since=${now.cursor}&timeout=150`);
    const elapsed = Date.now() - started;
    expect(status).toBe(200);
    expect(delivery).toEqual({ events: [], cursor: now.cursor });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(server.bus.liveSubscriptionCount()).toBe(0);
  });

  it('is released by a publish, long before its timeout', async () => {
    const { delivery: now } = await getDelivery(server.url, '/api/poll?topics=wake');
    const started = Date.now();
    const pending = getDelivery(server.url, `/api/long-poll?topics=wake&since=${now.cursor}&timeout=30000`);
    await eventually(() => server.bus.liveSubscriptionCount() === 1, 'the long poll is waiting on the bus');
    await server.bus.publish('wake', { type: 'n', data: 'go' });
    const { delivery } = await pending;
    expect(delivery.events.map((e) => e.data)).toEqual(['go']);
    expect(Date.now() - started).toBeLessThan(15_000); // the publish, not the 30 s timeout, answered it
    expect(server.bus.liveSubscriptionCount()).toBe(0);
  });

  it('answers at once when events after the cursor already exist', async () => {
    const { delivery: now } = await getDelivery(server.url, '/api/poll?topics=ready');
    await server.bus.publish('ready', { type: 'n', data: 1 });
    const live = jest.spyOn(server.bus, 'live');
    const { delivery } = await getDelivery(server.url, `/api/long-poll?topics=ready&since=${now.cursor}&timeout=30000`);
    expect(delivery.events.map((e) => e.data)).toEqual([1]);
    // Read straight from the log: no wait was set up, so no bus subscription was ever made.
    expect(live).not.toHaveBeenCalled();
    live.mockRestore();
  });

  it('frees the waiter and its bus subscription when the client aborts', async () => {
    const registry = server.app.get(SubscriberRegistry);
    const aborts = Array.from({ length: 20 }, () => new AbortController());
    const requests = aborts.map((controller) =>
      fetch(`${server.url}/api/long-poll?topics=gone&timeout=30000`, { signal: controller.signal }).catch((error: unknown) => error),
    );
    await eventually(() => server.bus.liveSubscriptionCount() === 20, '20 waiters on the bus');
    expect(registry.countsFor('gone').longPoll).toBe(20);
    for (const controller of aborts) controller.abort();
    await Promise.all(requests);
    await eventually(() => server.bus.liveSubscriptionCount() === 0, 'no bus subscription left');
    expect(registry.countsFor('gone').longPoll).toBe(0);
  });
});
