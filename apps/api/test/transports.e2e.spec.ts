import { startHerald, HeraldServer, eventually } from './support/herald-server';
import { getDelivery, publish, SseClient, WsClient } from './support/clients';

describe('every transport receives events published over HTTP and over WS', () => {
  let server: HeraldServer;
  beforeEach(async () => {
    server = await startHerald();
  });
  afterEach(async () => {
    await server.close();
  });

  it('delivers to short poll, long poll, SSE and WS alike', async () => {
    const poll = await getDelivery(server.url, '/api/poll?topics=news');
    const sse = new SseClient(`${server.url}/api/sse?topics=news`);
    await sse.opened;
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics: ['news'], ref: 's1' });
    await ws.next('subscribed', (f) => f.data.ref === 's1');
    const longPoll = getDelivery(server.url, `/api/long-poll?topics=news&since=${poll.delivery.cursor}&timeout=5000`);

    const viaHttp = await publish(server.url, 'news', { headline: 'one' }, 'headline');
    const publisher = await WsClient.connect(server.wsUrl);
    publisher.send('publish', { topic: 'news', type: 'headline', data: { headline: 'two' }, ref: 'p1' });
    const ack = await publisher.next('ack', (f) => f.data.ref === 'p1');
    expect(ack.data.envelope).toMatchObject({ id: '2', topic: 'news', type: 'headline', data: { headline: 'two' } });

    const fromLongPoll = (await longPoll).delivery;
    expect(fromLongPoll.events[0]).toEqual(viaHttp);
    const next = await getDelivery(server.url, `/api/long-poll?topics=news&since=${fromLongPoll.cursor}&timeout=5000`);
    expect(next.delivery.events.map((e) => e.data)).toEqual([{ headline: 'two' }]);

    const polled = await getDelivery(server.url, `/api/poll?topics=news&since=${poll.delivery.cursor}`);
    expect(polled.delivery.events.map((e) => e.data)).toEqual([{ headline: 'one' }, { headline: 'two' }]);

    await eventually(() => sse.envelopes().length === 2, 'SSE gets both');
    expect(sse.envelopes()).toEqual([viaHttp, ack.data.envelope]);
    await eventually(() => ws.deliveries().length === 2, 'WS gets both');
    expect(ws.deliveries()).toEqual([viaHttp, ack.data.envelope]);

    sse.close();
    await ws.close();
    await publisher.close();
  });

  it('lists topics with latest position, retained count and subscribers per transport', async () => {
    await publish(server.url, 'alpha', 1);
    await publish(server.url, 'alpha', 2);
    const sse = new SseClient(`${server.url}/api/sse?topics=alpha,beta`);
    await sse.opened;
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics: ['alpha'] });
    await ws.next('subscribed');
    await getDelivery(server.url, '/api/poll?topics=alpha');
    const res = await fetch(`${server.url}/api/topics`);
    const body = (await res.json()) as { topics: { name: string; latest: number; retained: number; subscribers: Record<string, number> }[] };
    expect(body.topics.find((t) => t.name === 'alpha')).toEqual({
      name: 'alpha',
      latest: 2,
      retained: 2,
      subscribers: { poll: 1, longPoll: 0, sse: 1, ws: 1 },
    });
    expect(body.topics.find((t) => t.name === 'beta')).toEqual({
      name: 'beta',
      latest: 0,
      retained: 0,
      subscribers: { poll: 0, longPoll: 0, sse: 1, ws: 0 },
    });
    sse.close();
    await ws.close();
  });
});

describe('demo feed', () => {
  it('publishes a stock ticker and chat when HERALD_DEMO=on', async () => {
    const server = await startHerald({ HERALD_DEMO: 'on', HERALD_DEMO_INTERVAL_MS: '10' });
    await eventually(async () => (await getDelivery(server.url, '/api/poll?topics=chat&since=earliest')).delivery.events.length > 0, 'chat messages');
    const ticker = await getDelivery(server.url, '/api/poll?topics=ticker&since=earliest&limit=4');
    expect(ticker.delivery.events).toHaveLength(4);
    for (const event of ticker.delivery.events) {
      expect(event).toMatchObject({ topic: 'ticker', type: 'price', data: { symbol: expect.any(String), price: expect.any(Number) } });
    }
    const chat = await getDelivery(server.url, '/api/poll?topics=chat&since=earliest&limit=1');
    expect(chat.delivery.events[0]).toMatchObject({ type: 'message', data: { from: expect.any(String), text: expect.any(String) } });
    await server.close();
  });

  it('stays off by default', async () => {
    const server = await startHerald();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await server.bus.listTopics()).toEqual([]);
    await server.close();
  });
});
