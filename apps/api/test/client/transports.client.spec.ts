import { createRealtimeClient, HeraldError, TransportName } from '@herald/client';
import { publish } from '../support/clients';
import { HeraldServer, startHerald } from '../support/herald-server';
import { portOf, startHeraldOn } from './herald-on-port';
import { publishWithRetry, Recorder, sleep, testClientOptions } from './recorder';
import { TcpProxy } from './tcp-proxy';

// Every wait below is bounded (8 s at most); this only caps a test that hangs anyway.
jest.setTimeout(20_000);

const TRANSPORTS: TransportName[] = ['ws', 'sse', 'long-poll', 'poll'];
const SERVER_ENV = { HERALD_HEARTBEAT_MS: '200', HERALD_SSE_RETRY_MS: '100' };

/** Every event exactly once, in order (event data are unique in these tests; ids are too within one server's log). */
function expectExactlyOnce(recorder: Recorder, expected: unknown[], sameLog = true): void {
  expect(recorder.data()).toEqual(expected);
  if (!sameLog) return;
  const ids = recorder.events().map((event) => `${event.topic}/${event.id}`);
  expect(new Set(ids).size).toBe(ids.length);
}

describe.each(TRANSPORTS)('%s client against the real server', (transport) => {
  let server: HeraldServer;
  let recorder: Recorder | undefined;

  beforeEach(async () => {
    server = await startHerald(SERVER_ENV);
  });
  afterEach(async () => {
    recorder?.stop();
    recorder = undefined;
    await server.close();
  });

  it('receives published events and publishes itself', async () => {
    const client = createRealtimeClient(testClientOptions(server.url, { transport }));
    recorder = new Recorder(client, ['orders', 'chat']);
    await recorder.untilOpen();
    const first = await publish(server.url, 'orders', { n: 1 }, 'created');
    const second = await client.publish('chat', { n: 2 }, 'said');
    expect(second).toMatchObject({ topic: 'chat', type: 'said', data: { n: 2 } });
    await recorder.untilEvents(2);
    expect(recorder.events()).toEqual([first, second]);
    const stats = client.stats;
    expect(stats).toMatchObject({ transport, eventsReceived: 2 });
    expect(stats.requests).toBeGreaterThan(0);
    expect(stats.bytesReceived).toBeGreaterThan(0);
    expect(stats.latency.count).toBe(2);
    expect(stats.latency.p50).toBeGreaterThanOrEqual(0);
    expect(stats.latency.p95).toBeLessThan(5_000);
  });

  it('reconnects after the network drops it and resumes with no loss or duplicates', async () => {
    const proxy = await TcpProxy.start(portOf(server));
    try {
      const client = createRealtimeClient(testClientOptions(proxy.url, { transport }));
      recorder = new Recorder(client, ['orders']);
      await recorder.untilOpen();
      for (const n of [1, 2, 3]) await publish(server.url, 'orders', n);
      await recorder.untilEvents(3);

      proxy.cut();
      await recorder.untilStatus('reconnecting');
      for (const n of [4, 5, 6]) await publish(server.url, 'orders', n);
      await sleep(250); // reconnect attempts fail while the network is down
      proxy.restore();
      await recorder.untilOpen();
      for (const n of [7, 8]) await publish(server.url, 'orders', n);

      await recorder.untilEvents(8);
      await sleep(100); // nothing more may arrive
      expectExactlyOnce(recorder, [1, 2, 3, 4, 5, 6, 7, 8]);
      expect(recorder.deliveries.some((delivery) => delivery.reset)).toBe(false);
      expect(client.stats.reconnects).toBeGreaterThanOrEqual(1);
      expect(recorder.errors).toEqual([]);
    } finally {
      recorder?.stop();
      await proxy.close();
    }
  });

  it('sees reset when the server restarts with a new log, then follows the new one', async () => {
    const port = portOf(server);
    const client = createRealtimeClient(testClientOptions(server.url, { transport }));
    recorder = new Recorder(client, ['orders']);
    await recorder.untilOpen();
    await publish(server.url, 'orders', 'old-1');
    await recorder.untilEvents(1);

    await server.close();
    server = await startHeraldOn(port, SERVER_ENV);
    await publishWithRetry(server.url, 'orders', 'new-1');
    await recorder.untilEvents(2, 8_000);
    await publishWithRetry(server.url, 'orders', 'new-2');
    await recorder.untilEvents(3);

    expectExactlyOnce(recorder, ['old-1', 'new-1', 'new-2'], false);
    const resetAt = recorder.deliveries.findIndex((delivery) => delivery.reset);
    const firstNew = recorder.deliveries.findIndex((delivery) => delivery.events.some((event) => event.data === 'new-1'));
    expect(resetAt).toBeGreaterThanOrEqual(0);
    expect(resetAt).toBeLessThanOrEqual(firstNew);
    expect(recorder.errors).toEqual([]);
  });

  it('restarts from now with reset when its cursor is rejected', async () => {
    const client = createRealtimeClient(testClientOptions(server.url, { transport }));
    recorder = new Recorder(client, ['orders'], { since: 'not-a-cursor' });
    await recorder.untilOpen();
    await publish(server.url, 'orders', 'after');
    await recorder.untilEvents(1);
    expect(recorder.deliveries[0]).toMatchObject({ reset: true });
    expectExactlyOnce(recorder, ['after']);
    expect(recorder.errors).toEqual([]);
  });

  it('errors with a typed HeraldError for a request the server will never accept', async () => {
    const client = createRealtimeClient(testClientOptions(server.url, { transport }));
    const topics = Array.from({ length: 40 }, (_, i) => `t${i}`);
    recorder = new Recorder(client, topics);
    await recorder.untilError();
    const [error] = recorder.errors;
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ code: 'too_many_topics' });
    expect(recorder.state).toMatchObject({ status: 'closed', error: { code: 'too_many_topics' } });
  });
});
