import type { Envelope } from '@herald/contracts';
import { getDelivery, SseClient, WsClient } from './support/clients';
import { eventually, HeraldServer, startHerald } from './support/herald-server';

/**
 * The cross-transport promise: a cursor from any transport resumes on any other,
 * nothing lost, nothing repeated, per-topic order kept.
 */
describe('cross-transport resume', () => {
  let server: HeraldServer;
  let published: Envelope[];
  const topics = ['orders', 'prices'];

  beforeEach(async () => {
    server = await startHerald();
    published = [];
  });
  afterEach(async () => {
    await server.close();
  });

  async function publishBatch(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const topic = topics[published.length % 2];
      published.push((await server.bus.publish(topic, { type: 'n', data: { n: published.length } })).envelope);
    }
  }

  it('poll → SSE (Last-Event-ID) → WS → long poll delivers all 200 events exactly once, in per-topic order', async () => {
    const received: Envelope[] = [];

    // 1. Short poll reads the first part, in two pages.
    await publishBatch(50);
    const page1 = await getDelivery(server.url, '/api/poll?topics=orders,prices&since=earliest&limit=30');
    const page2 = await getDelivery(server.url, `/api/poll?topics=orders,prices&since=${page1.delivery.cursor}&limit=30`);
    received.push(...page1.delivery.events, ...page2.delivery.events);
    expect(received).toHaveLength(50);
    let cursor = page2.delivery.cursor;

    // 2. SSE resumes from the poll cursor (replay of what was published meanwhile, then live) and is cut mid-stream.
    await publishBatch(50);
    const sse = new SseClient(`${server.url}/api/sse?topics=orders,prices`, { 'Last-Event-ID': cursor });
    await sse.opened;
    await publishBatch(25);
    await eventually(() => sse.envelopes().length >= 60, 'SSE receives at least 60 events');
    sse.close();
    const kept = sse.messages.filter((m) => m.type === 'message').slice(0, 60);
    received.push(...kept.map((m) => JSON.parse(m.data) as Envelope));
    cursor = kept[59].id;

    // 3. WS resumes from the SSE message id, gets replay then live, and is closed.
    await publishBatch(25);
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics, since: cursor });
    await ws.next('subscribed');
    await publishBatch(25);
    await eventually(() => ws.deliveries().length >= 15 + 25 + 25, 'WS receives the rest so far');
    await ws.close();
    received.push(...ws.deliveries());
    cursor = ws.lastCursor() as string;

    // 4. Long poll picks up what was published while nobody was connected.
    await publishBatch(25);
    const longPoll = await getDelivery(server.url, `/api/long-poll?topics=orders,prices&since=${cursor}&timeout=2000`);
    received.push(...longPoll.delivery.events);
    const idle = await getDelivery(server.url, `/api/long-poll?topics=orders,prices&since=${longPoll.delivery.cursor}&timeout=50`);
    expect(idle.delivery.events).toEqual([]);

    expect(published).toHaveLength(200);
    const key = (e: Envelope) => `${e.topic}/${e.id}`;
    expect(new Set(received.map(key)).size).toBe(received.length); // nothing repeated
    expect(received.map(key).sort()).toEqual(published.map(key).sort()); // nothing lost
    for (const topic of topics) {
      const ids = received.filter((e) => e.topic === topic).map((e) => Number(e.id));
      expect(ids).toEqual(ids.slice().sort((a, b) => a - b)); // per-topic order
      expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    }
    expect(received.every((e) => !('reset' in e))).toBe(true);
  });

  it('an EventSource that loses its connection reconnects with Last-Event-ID and gets what was published meanwhile', async () => {
    await server.close();
    server = await startHerald({ HERALD_SSE_RETRY_MS: '20' });
    const sockets = new Set<import('node:net').Socket>();
    server.app.getHttpServer().on('connection', (socket: import('node:net').Socket) => sockets.add(socket));

    const sse = new SseClient(`${server.url}/api/sse?topics=orders`);
    await sse.opened;
    await server.bus.publish('orders', { type: 'n', data: 1 });
    await eventually(() => sse.envelopes().length === 1, 'first event');

    for (const socket of sockets) socket.destroy(); // the connection drops
    await server.bus.publish('orders', { type: 'n', data: 2 }); // published while the client is away
    await server.bus.publish('orders', { type: 'n', data: 3 });
    await eventually(() => sse.envelopes().length === 3, 'events published while away');
    await server.bus.publish('orders', { type: 'n', data: 4 });
    await eventually(() => sse.envelopes().length === 4, 'live again');
    sse.close();
    expect(sse.envelopes().map((e) => e.data)).toEqual([1, 2, 3, 4]);
    expect(sse.messages.some((m) => m.type === 'reset')).toBe(false);
  });

  it('a new EventSource given a Last-Event-ID header replays from it', async () => {
    for (let i = 1; i <= 5; i++) await server.bus.publish('orders', { type: 'n', data: i });
    const first = await getDelivery(server.url, '/api/poll?topics=orders&since=earliest&limit=2');
    const sse = new SseClient(`${server.url}/api/sse?topics=orders`, { 'Last-Event-ID': first.delivery.cursor });
    await eventually(() => sse.envelopes().length === 3, 'replay of 3, 4, 5');
    sse.close();
    expect(sse.envelopes().map((e) => e.data)).toEqual([3, 4, 5]);
    // Every message id is a cursor: resuming from the 2nd gives exactly the 3rd onwards.
    const again = await getDelivery(server.url, `/api/poll?topics=orders&since=${sse.messages[1].id}`);
    expect(again.delivery.events.map((e) => e.data)).toEqual([5]);
  });
});

describe('reset instead of a silent gap', () => {
  let server: HeraldServer;
  afterEach(async () => {
    await server?.close();
  });

  it('resets a cursor older than retention on every transport, from the oldest retained event', async () => {
    server = await startHerald({ HERALD_RETENTION: '10' });
    await server.bus.publish('t', { type: 'n', data: 1 });
    const old = (await getDelivery(server.url, '/api/poll?topics=t&since=earliest')).delivery.cursor;
    for (let i = 2; i <= 30; i++) await server.bus.publish('t', { type: 'n', data: i });
    const expected = Array.from({ length: 10 }, (_, i) => i + 21);

    const polled = await getDelivery(server.url, `/api/poll?topics=t&since=${old}`);
    expect(polled.delivery.reset).toBe(true);
    expect(polled.delivery.events.map((e) => e.data)).toEqual(expected);

    const longPolled = await getDelivery(server.url, `/api/long-poll?topics=t&since=${old}&timeout=1000`);
    expect(longPolled.delivery.reset).toBe(true);
    expect(longPolled.delivery.events.map((e) => e.data)).toEqual(expected);

    const sse = new SseClient(`${server.url}/api/sse?topics=t&since=${old}`);
    await eventually(() => sse.envelopes().length === 10, 'SSE replay after reset');
    sse.close();
    expect(sse.messages[0].type).toBe('reset');
    expect(sse.messages[0].id).not.toBe(''); // the reset event carries the restarted cursor
    expect(JSON.parse(sse.messages[0].data)).toMatchObject({ reset: true });
    expect(sse.envelopes().map((e) => e.data)).toEqual(expected);

    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics: ['t'], since: old });
    const delivery = await ws.next('delivery');
    await ws.close();
    expect(delivery.data.reset).toBe(true);
    expect(delivery.data.events.map((e) => e.data)).toEqual(expected);
    expect(ws.frames.find((f) => f.event === 'subscribed')).toMatchObject({ data: { reset: true } });
  });

  it('resets a cursor from another epoch (a restarted in-memory server)', async () => {
    const before = await startHerald();
    await before.bus.publish('t', { type: 'n', data: 'old' });
    const cursor = (await getDelivery(before.url, '/api/poll?topics=t&since=earliest')).delivery.cursor;
    await before.close();

    server = await startHerald();
    await server.bus.publish('t', { type: 'n', data: 'new' });
    const polled = await getDelivery(server.url, `/api/poll?topics=t&since=${cursor}`);
    expect(polled.status).toBe(200);
    expect(polled.delivery.reset).toBe(true);
    expect(polled.delivery.events.map((e) => e.data)).toEqual(['new']);
  });
});
