import { AutoTransport, createRealtimeClient } from '@herald/client';
import { getDelivery, publish } from '../support/clients';
import { HeraldServer, startHerald } from '../support/herald-server';
import { portOf } from './herald-on-port';
import { Recorder, testClientOptions } from './recorder';
import { TcpProxy } from './tcp-proxy';

// Every wait below is bounded (8 s at most); this only caps a test that hangs anyway.
jest.setTimeout(20_000);

describe('auto mode', () => {
  let server: HeraldServer;
  let recorder: Recorder | undefined;

  beforeEach(async () => {
    server = await startHerald({ HERALD_HEARTBEAT_MS: '200', HERALD_SSE_RETRY_MS: '100' });
  });
  afterEach(async () => {
    recorder?.stop();
    recorder = undefined;
    await server.close();
  });

  it('uses WebSocket when it works, and publishes over it', async () => {
    const client = createRealtimeClient(testClientOptions(server.url, { transport: 'auto' }));
    recorder = new Recorder(client, ['orders']);
    await recorder.untilOpen();
    expect(client.active).toBe('ws');
    const envelope = await client.publish('orders', 'via-auto');
    await recorder.untilEvents(1);
    expect(recorder.events()).toEqual([envelope]);
    expect(client.statsByTransport().ws).toMatchObject({ eventsReceived: 1 });
  });

  it('falls back to SSE behind a proxy that refuses WebSocket upgrades, carrying the cursor', async () => {
    const proxy = await TcpProxy.start(portOf(server), { refuseUpgrades: true });
    try {
      const { delivery } = await getDelivery(server.url, '/api/poll?topics=orders');
      await publish(server.url, 'orders', 'before-1');
      await publish(server.url, 'orders', 'before-2');

      const client: AutoTransport = createRealtimeClient(testClientOptions(proxy.url, { transport: 'auto' }));
      const active: (string | undefined)[] = [];
      const activeSub = client.active$.subscribe((name) => active.push(name));
      recorder = new Recorder(client, ['orders'], { since: delivery.cursor });
      await recorder.untilOpen();
      expect(client.active).toBe('sse');
      expect(active).toEqual([undefined, 'ws', 'sse']);
      expect(recorder.states).toContainEqual(expect.objectContaining({ status: 'reconnecting', reason: expect.stringContaining('trying sse') }));

      await client.publish('orders', 'after');
      await recorder.untilEvents(3);
      expect(recorder.data()).toEqual(['before-1', 'before-2', 'after']);
      const stats = client.statsByTransport();
      expect(stats.ws).toMatchObject({ eventsReceived: 0 });
      expect(stats.ws?.requests).toBeGreaterThanOrEqual(2);
      expect(stats.sse).toMatchObject({ eventsReceived: 3 });
      activeSub.unsubscribe();
    } finally {
      recorder?.stop();
      await proxy.close();
    }
  });

  it('skips WebSocket and SSE when the platform has no constructor for them (plain Node 20: long polling)', async () => {
    const client = createRealtimeClient(testClientOptions(server.url, { transport: 'auto', WebSocket: undefined, EventSource: undefined }));
    const globals = globalThis as { WebSocket?: unknown; EventSource?: unknown };
    const expected = [...(globals.WebSocket ? ['ws'] : []), ...(globals.EventSource ? ['sse'] : []), 'long-poll', 'poll'];
    expect(client.transports.map((transport) => transport.name)).toEqual(expected);
    recorder = new Recorder(client, ['orders']);
    await recorder.untilOpen();
    expect(client.active).toBe(expected[0]);
    await publish(server.url, 'orders', 'x');
    await recorder.untilEvents(1);
  });
});
