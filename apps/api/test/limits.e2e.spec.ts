import WebSocket from 'ws';
import { ConnectionLimiter } from '@herald/transports';
import { WsClient } from './support/clients';
import { eventually, startHerald } from './support/herald-server';

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => undefined);
  });
}

describe('limits: connection caps and rate limits', () => {
  it('caps long-lived connections per address (429) and frees the slot when one closes', async () => {
    const server = await startHerald({ HERALD_MAX_CONNECTIONS_PER_IP: '2' });
    const limiter = server.app.get(ConnectionLimiter);
    const first = new AbortController();
    const sse1 = await fetch(`${server.url}/api/sse?topics=a`, { signal: first.signal });
    const ws = await WsClient.connect(server.wsUrl);
    expect(limiter.open).toBe(2);
    const refused = await fetch(`${server.url}/api/long-poll?topics=a&timeout=1000`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'too_many_connections' });
    expect(await upgradeStatus(server.wsUrl)).toBe(429);
    // Short polls are not long-lived and still work.
    expect((await fetch(`${server.url}/api/poll?topics=a`)).status).toBe(200);
    first.abort();
    await sse1.body?.cancel().catch(() => undefined);
    await eventually(() => limiter.open === 1, 'the SSE slot is released');
    expect(await upgradeStatus(server.wsUrl)).toBe(101);
    await ws.close();
    await eventually(() => limiter.open === 0, 'every slot released');
    await server.close();
  });

  it('caps connections in total with 503', async () => {
    const server = await startHerald({ HERALD_MAX_CONNECTIONS: '1' });
    const ws = await WsClient.connect(server.wsUrl);
    const res = await fetch(`${server.url}/api/sse?topics=a`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'too_many_connections' });
    await ws.close();
    await server.close();
  });

  it('rate-limits publishes per caller over HTTP and WS, with Retry-After', async () => {
    const server = await startHerald({ HERALD_RATE_PUBLISH_PER_MIN: '3' });
    const post = () => fetch(`${server.url}/api/topics/r/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":1}' });
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(201);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('publish', { topic: 'r', data: 2, ref: 'x' });
    expect((await ws.next('error')).data).toMatchObject({ code: 'rate_limited', ref: 'x' });
    expect(ws.closeCode).toBeUndefined();
    await ws.close();
    expect((await server.bus.ranges(['r']))[0].latest).toBe(3); // nothing over the budget reached the log
    await server.close();
  });

  it('rate-limits connection attempts per address (poll, long poll, SSE, WS upgrades)', async () => {
    const server = await startHerald({ HERALD_RATE_CONNECT_PER_MIN: '3' });
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/api/poll?topics=a`)).status).toBe(200);
    const res = await fetch(`${server.url}/api/poll?topics=a`);
    expect(res.status).toBe(429);
    expect(await upgradeStatus(server.wsUrl)).toBe(429);
    await server.close();
  });
});
