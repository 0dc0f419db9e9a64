import { createRealtimeClient, TransportName } from '@herald/client';
import { publish } from '../support/clients';
import { HeraldServer, startHerald } from '../support/herald-server';
import { portOf } from './herald-on-port';
import { Recorder, testClientOptions } from './recorder';
import { TcpProxy } from './tcp-proxy';

// Every wait below is bounded (8 s at most); this only caps a test that hangs anyway.
jest.setTimeout(20_000);

/**
 * A frozen link (no data, no FIN, no RST) is invisible to TCP for minutes;
 * the client must notice the silence itself and reconnect.
 */
describe('dead-link detection', () => {
  let server: HeraldServer;
  let proxy: TcpProxy;
  let recorder: Recorder | undefined;

  beforeEach(async () => {
    server = await startHerald({ HERALD_HEARTBEAT_MS: '100' });
    proxy = await TcpProxy.start(portOf(server));
  });
  afterEach(async () => {
    recorder?.stop();
    recorder = undefined;
    await proxy.close();
    await server.close();
  });

  it.each<[TransportName, string]>([
    ['ws', 'heartbeat timeout'],
    ['long-poll', 'no answer'],
  ])('%s replaces a silent link and resumes from its cursor', async (transport, reason) => {
    const client = createRealtimeClient(
      testClientOptions(proxy.url, { transport, heartbeatTimeoutMs: 600, longPollTimeoutMs: 300, requestTimeoutMs: 300 }),
    );
    recorder = new Recorder(client, ['orders']);
    await recorder.untilOpen();
    await publish(server.url, 'orders', 1);
    await recorder.untilEvents(1);

    proxy.freeze();
    await publish(server.url, 'orders', 2);
    await recorder.untilEvents(2, 5_000);
    await publish(server.url, 'orders', 3);
    await recorder.untilEvents(3);

    expect(recorder.data()).toEqual([1, 2, 3]);
    expect(recorder.states).toContainEqual(expect.objectContaining({ status: 'reconnecting', reason: expect.stringContaining(reason) }));
    expect(client.stats.reconnects).toBeGreaterThanOrEqual(1);
  });
});
