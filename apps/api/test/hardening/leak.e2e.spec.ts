import { ConnectionLimiter, SubscriberRegistry, WsGateway } from '@herald/transports';
import { SseClient, WsClient } from '../support/clients';
import { eventually, startHerald } from '../support/herald-server';

const CYCLES = Number(process.env['HERALD_LEAK_CYCLES'] ?? 400);

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('no leaks across connect/subscribe/disconnect cycles on every transport', () => {
  it(`${CYCLES} cycles × 4 transports (aborted long polls included) leave nothing behind`, async () => {
    const server = await startHerald({ HERALD_RATE_CONNECT_PER_MIN: '0', HERALD_HEARTBEAT_MS: '60000' });
    const registry = server.app.get(SubscriberRegistry);
    const limiter = server.app.get(ConnectionLimiter);
    const gateway = server.app.get(WsGateway);
    // Warm up once, so lazily created singletons are not counted as leaks.
    await (await fetch(`${server.url}/api/poll?topics=warm`)).text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const timersBefore = timers();
    const rssBefore = process.memoryUsage().rss;

    for (let i = 0; i < CYCLES; i++) {
      const topic = `leak.${i % 7}`;
      const ws = await WsClient.connect(server.wsUrl);
      ws.send('subscribe', { topics: [topic, 'leak.shared'], since: 'earliest' });
      await ws.next('subscribed');
      const sse = new SseClient(`${server.url}/api/sse?topics=${topic}`);
      await sse.opened;
      const controller = new AbortController();
      const longPoll = fetch(`${server.url}/api/long-poll?topics=${topic}&timeout=30000`, { signal: controller.signal }).catch(() => undefined);
      await (await fetch(`${server.url}/api/poll?topics=${topic}&since=earliest`)).text();
      if (i % 10 === 0) await server.bus.publish(topic, { type: 'n', data: i });
      await eventually(() => registry.countsFor(topic).longPoll > 0 || i % 10 === 0, 'long poll waiting');
      controller.abort();
      sse.close();
      await ws.close();
      await longPoll;
    }

    await eventually(
      () => server.bus.liveSubscriptionCount() === 0 && limiter.open === 0 && gateway.connectionCount === 0 && registry.total('sse') + registry.total('ws') + registry.total('longPoll') === 0,
      'every subscription, slot and socket released',
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const timersAfter = timers();
    const rssAfter = process.memoryUsage().rss;
    console.log(
      `leak: ${CYCLES * 4} connections; bus subscriptions 0, connection slots 0, sockets 0; timers ${timersBefore} → ${timersAfter}; RSS ${(rssBefore / 1048576).toFixed(0)} → ${(rssAfter / 1048576).toFixed(0)} MB`,
    );
    expect(timersAfter).toBeLessThanOrEqual(timersBefore + 2);
    expect((rssAfter - rssBefore) / 1048576).toBeLessThan(150);
    await server.close();
  }, 180_000);
});
