import WebSocket from 'ws';
import { WsClient } from './support/clients';
import { eventually, HeraldServer, startHerald } from './support/herald-server';

/** Reads a raw SSE response until `until` matches the text so far, then aborts. */
async function readSse(
  url: string,
  until: (text: string) => boolean,
  onText: (text: string) => void = () => undefined,
): Promise<{ text: string; headers: Headers; status: number }> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 5000;
  while (!until(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    onText(text);
  }
  controller.abort();
  return { text, headers: res.headers, status: res.status };
}

describe('SSE stream framing and liveness', () => {
  let server: HeraldServer;
  beforeEach(async () => {
    server = await startHerald({ HERALD_HEARTBEAT_MS: '40', HERALD_SSE_RETRY_MS: '1234' });
  });
  afterEach(async () => {
    await server.close();
  });

  it('sends proxy-safe headers, a retry hint with the start cursor, envelopes with cursor ids, and heartbeat comments', async () => {
    let published = false;
    const { text, headers, status } = await readSse(
      `${server.url}/api/sse?topics=s`,
      (t) => t.includes('data: ') && (t.match(/: heartbeat/g) ?? []).length >= 2,
      (t) => {
        if (published || !t.includes('stream open')) return;
        published = true;
        void server.bus.publish('s', { type: 'greeting', data: { hello: 'world' } });
      },
    );
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/event-stream');
    expect(headers.get('cache-control')).toContain('no-cache');
    expect(headers.get('cache-control')).toContain('no-transform');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(text).toMatch(/^\nid: [A-Za-z0-9_-]+\nretry: 1234\n: herald stream open\n\n/);
    const message = /id: ([A-Za-z0-9_-]+)\ndata: (.*)\n\n/.exec(text.slice(text.indexOf('retry')));
    expect(message).not.toBeNull();
    expect(JSON.parse((message as RegExpExecArray)[2])).toMatchObject({ id: '1', topic: 's', type: 'greeting', data: { hello: 'world' } });
    expect(text).not.toContain('event: greeting'); // the type stays inside the envelope
    expect((text.match(/^: heartbeat$/gm) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it('unsubscribes from the bus the moment the client goes', async () => {
    await readSse(`${server.url}/api/sse?topics=s`, (t) => t.includes('retry'));
    await eventually(() => server.bus.liveSubscriptionCount() === 0, 'no bus subscription after the client left');
  });
});

describe('WebSocket liveness and shutdown', () => {
  it('sends heartbeat frames and answers ping frames', async () => {
    const server = await startHerald({ HERALD_HEARTBEAT_MS: '30' });
    const ws = await WsClient.connect(server.wsUrl);
    const heartbeat = await ws.next('heartbeat');
    expect(heartbeat.data.ts).toEqual(expect.any(Number));
    ws.send('ping', { ref: 'p' });
    expect((await ws.next('pong')).data.ref).toBe('p');
    await ws.close();
    await server.close();
  });

  it('terminates a peer that stops answering protocol pings, and keeps one that answers', async () => {
    const server = await startHerald({ HERALD_WS_PING_MS: '30' });
    const silent = new WebSocket(server.wsUrl, { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
    const healthy = await WsClient.connect(server.wsUrl);
    expect(await closed).toBe(1006); // terminated without a close frame
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(healthy.closeCode).toBeUndefined();
    await healthy.close();
    await server.close();
  });

  it('closes sockets with 1012 (service restart) and frees every bus subscription on shutdown', async () => {
    const server = await startHerald();
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics: ['x', 'y'] });
    await ws.next('subscribed');
    expect(server.bus.liveSubscriptionCount()).toBe(1);
    const bus = server.bus;
    await server.close();
    await eventually(() => ws.closeCode !== undefined, 'socket closed');
    expect(ws.closeCode).toBe(1012);
    expect(bus.liveSubscriptionCount()).toBe(0);
  });

  it('unsubscribing one topic keeps the others flowing without loss or repeats', async () => {
    const server = await startHerald();
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics: ['a', 'b'] });
    await ws.next('subscribed');
    await server.bus.publish('a', { type: 'n', data: 'a1' });
    await server.bus.publish('b', { type: 'n', data: 'b1' });
    await eventually(() => ws.deliveries().length === 2, 'two deliveries');
    ws.send('unsubscribe', { topics: ['a'], ref: 'u' });
    const unsubscribed = await ws.next('unsubscribed');
    expect(unsubscribed.data.topics).toEqual(['b']);
    await server.bus.publish('a', { type: 'n', data: 'a2' });
    await server.bus.publish('b', { type: 'n', data: 'b2' });
    await eventually(() => ws.deliveries().length === 3, 'b2 arrives');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ws.deliveries().map((e) => e.data)).toEqual(['a1', 'b1', 'b2']);
    await ws.close();
    await server.close();
  });
});

describe('graceful shutdown of the HTTP transports', () => {
  it('answers a waiting long poll with its cursor and ends SSE streams cleanly', async () => {
    const server = await startHerald();
    const now = (await (await fetch(`${server.url}/api/poll?topics=s`)).json()) as { cursor: string };
    const longPoll = fetch(`${server.url}/api/long-poll?topics=s&since=${now.cursor}&timeout=30000`).then(async (res) => ({ status: res.status, body: await res.json() }));
    const sse = await fetch(`${server.url}/api/sse?topics=s`);
    const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the opening message
    await eventually(() => server.bus.liveSubscriptionCount() === 2, 'long poll and SSE are waiting');
    const closing = server.close();
    expect(await longPoll).toEqual({ status: 200, body: { events: [], cursor: now.cursor } });
    let ended = false;
    for (;;) {
      const { done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
    }
    expect(ended).toBe(true); // a clean end of stream, not a reset connection
    await closing;
  });
});
