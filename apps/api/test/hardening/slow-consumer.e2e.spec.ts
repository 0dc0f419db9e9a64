import http from 'node:http';
import WebSocket from 'ws';
import { ConnectionLimiter, SubscriberRegistry } from '@herald/transports';
import { SseClient, WsClient } from '../support/clients';
import { eventually, startHerald } from '../support/herald-server';

const EVENTS = 10_000;
const PAYLOAD = 'x'.repeat(2048);
/** Stated bound on server RSS growth while 2 consumers stall through ~20 MB of events. */
const RSS_GROWTH_BOUND_MB = 250;

describe('slow consumers are disconnected with a reason; memory stays bounded; fast clients get everything', () => {
  it(`WS and SSE clients that stop reading during ${EVENTS} events`, async () => {
    const server = await startHerald({ HERALD_RATE_CONNECT_PER_MIN: '0' });
    const registry = server.app.get(SubscriberRegistry);

    // Fast clients on both transports.
    const fastWs = await WsClient.connect(server.wsUrl);
    fastWs.send('subscribe', { topics: ['flood'] });
    await fastWs.next('subscribed');
    const fastSse = new SseClient(`${server.url}/api/sse?topics=flood`);
    await fastSse.opened;

    // A WS client that stops reading: its TCP socket is paused, so the server's send buffer fills.
    const slowWs = new WebSocket(server.wsUrl);
    await new Promise((resolve) => slowWs.once('open', resolve));
    slowWs.send(JSON.stringify({ event: 'subscribe', data: { topics: ['flood'] } }));
    let slowWsClose: number | undefined;
    slowWs.on('close', (code) => (slowWsClose = code));
    await eventually(() => registry.countsFor('flood').ws === 2, 'slow WS subscribed');
    (slowWs as unknown as { _socket: import('node:net').Socket })._socket.pause();

    // An SSE client that reads the headers and then nothing.
    let slowSseResponse: http.IncomingMessage | undefined;
    let slowSseEnded = false;
    await new Promise<void>((resolve) => {
      const req = http.get(`${server.url}/api/sse?topics=flood`, (res) => {
        slowSseResponse = res;
        res.once('data', () => {
          res.pause();
          resolve();
        });
        res.on('close', () => (slowSseEnded = true));
        res.on('error', () => (slowSseEnded = true));
      });
      req.on('error', () => (slowSseEnded = true));
    });
    await eventually(() => registry.countsFor('flood').sse === 2, 'slow SSE subscribed');

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    for (let i = 0; i < EVENTS; i++) {
      await server.bus.publish('flood', { type: 'n', data: { i, pad: PAYLOAD } });
      // Client and server share this process: yield so the fast clients can read (as a real fast client would).
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }

    await eventually(() => fastWs.deliveries().length === EVENTS && fastSse.envelopes().length === EVENTS, 'fast clients get everything', 60_000);
    // The server gave up on both stalled clients (the registry no longer counts them).
    await eventually(() => registry.countsFor('flood').ws === 1 && registry.countsFor('flood').sse === 1, 'slow clients dropped', 30_000);
    clearInterval(sampler);

    // Reading again, the WS client sees why it was closed; the SSE response has ended.
    (slowWs as unknown as { _socket: import('node:net').Socket })._socket.resume();
    await eventually(() => slowWsClose !== undefined, 'slow WS sees its close', 10_000);
    expect(slowWsClose).toBe(4008);
    slowSseResponse?.resume();
    await eventually(() => slowSseEnded, 'slow SSE stream ended', 10_000);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('herald_slow_consumer_disconnects_total{transport="ws"} 1');
    expect(metrics).toContain('herald_slow_consumer_disconnects_total{transport="sse"} 1');
    const ids = (list: { id: string }[]) => list.map((e) => Number(e.id));
    const expected = Array.from({ length: EVENTS }, (_, i) => i + 1);
    expect(ids(fastWs.deliveries())).toEqual(expected);
    expect(ids(fastSse.envelopes())).toEqual(expected);
    const growthMb = (rssPeak - rssBefore) / 1024 / 1024;
    console.log(`slow-consumer: ${EVENTS} events × ${PAYLOAD.length} B; RSS before ${(rssBefore / 1048576).toFixed(0)} MB, peak growth ${growthMb.toFixed(0)} MB (bound ${RSS_GROWTH_BOUND_MB} MB); slow WS closed ${slowWsClose}, slow SSE ended`);
    expect(growthMb).toBeLessThan(RSS_GROWTH_BOUND_MB);

    fastSse.close();
    await fastWs.close();
    await server.close();
    expect(server.app.get(ConnectionLimiter).open).toBe(0);
  }, 120_000);
});
