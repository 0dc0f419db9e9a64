import { AutoTransport, createRealtimeClient } from '@herald/client';
import { getDelivery, publish } from '../support/clients';
import { HeraldServer, startHerald } from '../support/herald-server';
import { portOf } from './herald-on-port';
import { Recorder, testClientOptions } from './recorder';
import { TcpProxy } from './tcp-proxy';

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
    const client = createRealtimeClient(testClientOptions(server.url));
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

  it('falls back to long polling when neither WebSocket nor EventSource exists (plain Node)', async () => {
    const client = createRealtimeClient(testClientOptions(server.url, { WebSocket: undefined, EventSource: undefined }));
    expect(client.transports.map((transport) => transport.name)).toEqual(['long-poll', 'poll']);
    recorder = new Recorder(client, ['orders']);
    await recorder.untilOpen();
    expect(client.active).toBe('long-poll');
    await publish(server.url, 'orders', 'x');
    await recorder.untilEvents(1);
  });
});
