import WebSocket from 'ws';
import type { TransportName } from '@herald/client';
import { readiness, TOPOLOGY_API_ENV } from './support/api';
import { API_MAIN, ensureApiBuilt, WORKSPACE } from './support/build';
import { accepts, baseEnv, freePort, ManagedProcess, waitFor } from './support/processes';
import { Counts, FeedSubscriber, publishTo, sdk, SteadyPublisher } from './support/subscribers';
import { startTopology, type Topology } from './support/topology';

/**
 * The reference deployment for real: redis-server, two API processes on the
 * Redis bus (A and B), nginx in front (deploy/nginx). Every test leaves both
 * instances running, except the last, which stops B for good.
 */

const TRANSPORTS: TransportName[] = ['ws', 'sse', 'long-poll', 'poll'];
const DRAIN_MS = 2_000;
const SHUTDOWN_MARGIN_MS = 1_500;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function expectExactlyOnce(subscriber: FeedSubscriber, published: number[]): void {
  expect({ label: subscriber.label, ...subscriber.counts(published), resets: subscriber.resets, errors: subscriber.errors.length }).toEqual({
    label: subscriber.label,
    published: published.length,
    delivered: published.length,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    resets: 0,
    errors: 0,
  });
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Open subscriptions per transport that this instance holds for `topic`. */
async function subscriberCounts(url: string, topic: string): Promise<{ ws: number; sse: number; longPoll: number }> {
  const { body } = await getJson<{ topics: { name: string; subscribers: { ws: number; sse: number; longPoll: number } }[] }>(`${url}/api/topics`);
  return body.topics.find((t) => t.name === topic)?.subscribers ?? { ws: 0, sse: 0, longPoll: 0 };
}

interface PollAnswer {
  events: { id: string; data: unknown; ts: number }[];
  cursor: string;
  reset?: boolean;
}

describe('reference topology: redis-server + two API instances + nginx', () => {
  let topology: Topology;
  const subscribers: FeedSubscriber[] = [];
  const subscribe = (label: string, baseUrl: string, transport: TransportName, topic: string): FeedSubscriber => {
    const subscriber = new FeedSubscriber(label, sdk(baseUrl, transport), [topic]);
    subscribers.push(subscriber);
    return subscriber;
  };

  beforeAll(async () => {
    topology = await startTopology();
  }, 300_000);

  afterEach(() => {
    for (const subscriber of subscribers.splice(0)) subscriber.stop();
  });

  afterAll(async () => {
    await topology?.stop();
  }, 30_000);

  it('delivers what A publishes to subscribers on B over all four transports, and through nginx, in order', async () => {
    const { a, b, nginx } = topology;
    const onB = TRANSPORTS.map((transport) => subscribe(`${transport} on B`, b.url, transport, 'cross'));
    const viaNginx = TRANSPORTS.map((transport) => subscribe(`${transport} via nginx`, nginx.url, transport, 'cross'));
    const all = [...onB, ...viaNginx];
    await Promise.all(all.map((subscriber) => subscriber.untilOpen()));

    const published = range(1, 20);
    for (const n of published) await publishTo(a.url, 'cross', n);
    await Promise.all(all.map((subscriber) => subscriber.untilReceived(published)));
    for (const subscriber of all) expectExactlyOnce(subscriber, published);
  }, 30_000);

  it('fails over when B is killed mid-stream: its SDK clients resume on A through nginx, none lost or duplicated', async () => {
    const { a, b, nginx } = topology;
    // nginx balances by open connections (least_conn), so streams alternate between the
    // instances; each instance's /api/topics shows where they landed. Open WebSockets and SSE
    // streams one at a time until each instance holds at least one of each.
    const streaming: FeedSubscriber[] = [];
    for (const transport of ['ws', 'sse'] as const) {
      const key = transport === 'ws' ? 'ws' : 'sse';
      for (let n = 1; ; n++) {
        const subscriber = subscribe(`${transport} #${n}`, nginx.url, transport, 'failover');
        await subscriber.untilOpen();
        streaming.push(subscriber);
        const [onA, onB] = await Promise.all([subscriberCounts(a.url, 'failover'), subscriberCounts(b.url, 'failover')]);
        if (onA[key] >= 1 && onB[key] >= 1) break;
        if (n >= 6) throw new Error(`nginx put all ${n} ${transport} clients on one instance (A ${onA[key]}, B ${onB[key]})`);
      }
    }
    const polling = [subscribe('long-poll', nginx.url, 'long-poll', 'failover'), subscribe('poll', nginx.url, 'poll', 'failover')];
    await Promise.all(polling.map((subscriber) => subscriber.untilOpen()));
    const all = [...streaming, ...polling];

    const publisher = new SteadyPublisher(a.url, 'failover', 5);
    await waitFor(() => publisher.published.length >= 100, '100 events published', 10_000);
    b.signal('SIGKILL');
    const killedAt = publisher.published.length;
    await b.exited();
    await waitFor(() => publisher.published.length >= killedAt + 150, '150 more events published', 10_000);
    const published = await publisher.stop();
    expect(publisher.failures).toEqual([]);
    await Promise.all(all.map((subscriber) => subscriber.untilReceived(published, 15_000)));
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more may arrive

    const rows = all.map((subscriber) => ({ client: subscriber.label, ...subscriber.counts(published), reconnects: subscriber.reconnects }));
    const total = rows.reduce<Counts>(
      (sum, row) => ({
        published: sum.published + row.published,
        delivered: sum.delivered + row.delivered,
        lost: sum.lost + row.lost,
        duplicated: sum.duplicated + row.duplicated,
        outOfOrder: sum.outOfOrder + row.outOfOrder,
      }),
      { published: 0, delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0 },
    );
    console.log(
      [
        `failover (B killed with SIGKILL after event ${killedAt}): published ${published.length} events to A; ${all.length} SDK clients through nginx`,
        ...rows.map((r) => `  ${r.client.padEnd(10)} delivered ${r.delivered}, lost ${r.lost}, duplicated ${r.duplicated}, out of order ${r.outOfOrder}, reconnects ${r.reconnects}`),
        `  total      published ${total.published}, delivered ${total.delivered}, lost ${total.lost}, duplicated ${total.duplicated}`,
      ].join('\n'),
    );
    for (const subscriber of all) expectExactlyOnce(subscriber, published);
    // The WebSockets and SSE streams that were on B lost it and came back through nginx on A.
    for (const transport of ['ws', 'sse']) {
      expect(streaming.filter((s) => s.label.startsWith(transport)).some((s) => s.reconnects >= 1)).toBe(true);
    }

    await b.resume();
  }, 60_000);

  it('keeps the history when an API instance restarts: same events, and old cursors resume without reset', async () => {
    const { b } = topology;
    for (const n of range(1, 10)) await publishTo(b.url, 'history', n);
    const before = await getJson<PollAnswer>(`${b.url}/api/poll?topics=history&since=earliest&limit=5`);
    expect(before.body.events.map((event) => event.data)).toEqual(range(1, 5));

    const exit = await b.stop('SIGTERM');
    expect(exit.code).toBe(0);
    await b.resume();

    const all = await getJson<PollAnswer>(`${b.url}/api/poll?topics=history&since=earliest`);
    expect(all.body.events.map((event) => event.data)).toEqual(range(1, 10));
    expect(all.body.events.slice(0, 5)).toEqual(before.body.events);
    const resumed = await getJson<PollAnswer>(`${b.url}/api/poll?topics=history&since=${encodeURIComponent(before.body.cursor)}`);
    expect(resumed.body.events.map((event) => event.data)).toEqual(range(6, 10));
    expect(resumed.body.reset).toBeUndefined();
  }, 30_000);

  it('rides out a Redis restart: both instances report not ready, keep their clients, recover and catch up', async () => {
    const { a, b, nginx, redis } = topology;
    const all = [
      subscribe('ws on A', a.url, 'ws', 'outage'),
      subscribe('sse on B', b.url, 'sse', 'outage'),
      subscribe('long-poll via nginx', nginx.url, 'long-poll', 'outage'),
      subscribe('poll via nginx', nginx.url, 'poll', 'outage'),
    ];
    await Promise.all(all.map((subscriber) => subscriber.untilOpen()));
    for (const n of range(1, 5)) await publishTo(a.url, 'outage', n);
    await Promise.all(all.map((subscriber) => subscriber.untilReceived(range(1, 5))));
    const streamReconnects = all.slice(0, 2).map((subscriber) => subscriber.reconnects);

    await redis.stop();
    await waitFor(async () => (await readiness(a.url)).status === 503 && (await readiness(b.url)).status === 503, 'both instances not ready', 5_000);
    expect((await readiness(b.url)).body).toMatchObject({ status: 'error', error: { bus: { status: 'down' } } });
    expect((await fetch(`${a.url}/health/live`)).status).toBe(200);
    // Published while Redis is away: held by the instance and appended once it is back.
    const duringOutage = publishTo(b.url, 'outage', 6);

    await redis.resume();
    await waitFor(async () => (await readiness(a.url)).status === 200 && (await readiness(b.url)).status === 200, 'both instances ready again', 10_000);
    await duringOutage;
    for (const n of range(7, 10)) await publishTo(b.url, 'outage', n);

    const published = range(1, 10);
    await Promise.all(all.map((subscriber) => subscriber.untilReceived(published, 15_000)));
    for (const subscriber of all) expectExactlyOnce(subscriber, published);
    // The WebSocket and the SSE stream stayed connected through the outage.
    expect(all.slice(0, 2).map((subscriber) => subscriber.reconnects)).toEqual(streamReconnects);
  }, 45_000);

  it('shuts down gracefully on SIGTERM: stops accepting, WS 1012, SSE ends with a retry hint, long polls answered, exits in bounded time', async () => {
    const { b, nginx } = topology;
    const socket = new WebSocket(`ws://127.0.0.1:${b.port}/ws`);
    const frames: { event: string }[] = [];
    socket.on('message', (raw) => frames.push(JSON.parse(raw.toString()) as { event: string }));
    const closed = new Promise<{ code: number; reason: string; refusedNewConnections: boolean }>((resolve) => {
      socket.once('close', (code, reason) => {
        // Checked the moment the 1012 arrives, while B is still draining.
        void accepts(b.port).then((accepted) => resolve({ code, reason: reason.toString(), refusedNewConnections: !accepted }));
      });
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ event: 'subscribe', data: { topics: ['drain'] } }));
    await waitFor(() => frames.some((frame) => frame.event === 'subscribed'), 'WS subscribed', 5_000);

    const sse = await fetch(`${b.url}/api/sse?topics=drain`);
    const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
    let sseText = '';
    const sseEnded = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        sseText += decoder.decode(value, { stream: true });
      }
    })().catch(() => false);
    await waitFor(() => sseText.includes('stream open'), 'SSE stream open', 5_000);

    const since = (await getJson<PollAnswer>(`${b.url}/api/poll?topics=drain`)).body.cursor;
    const longPoll = fetch(`${b.url}/api/long-poll?topics=drain&since=${encodeURIComponent(since)}&timeout=20000`).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as PollAnswer,
    }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the long poll is waiting

    const started = Date.now();
    b.signal('SIGTERM');
    const close = await closed;
    expect(close).toMatchObject({ code: 1012, refusedNewConnections: true });
    expect(close.reason).toMatch(/reconnect/);
    expect(await sseEnded).toBe(true);
    expect(sseText).toMatch(/^retry: 100$/m);
    const answer = await longPoll;
    expect(answer).toMatchObject({ status: 200, body: { events: [], cursor: since } });
    const exit = await b.exited();
    const elapsed = Date.now() - started;
    console.log(`graceful shutdown of B: exit code ${exit.code} after ${elapsed} ms (bound ${DRAIN_MS + SHUTDOWN_MARGIN_MS} ms)`);
    expect(exit.code).toBe(0);
    expect(elapsed).toBeLessThan(DRAIN_MS + SHUTDOWN_MARGIN_MS);

    // nginx sends everything to A now.
    for (let i = 0; i < 4; i++) expect((await fetch(`${nginx.url}/api/topics`)).status).toBe(200);
  }, 30_000);
});

describe('an API instance whose Redis is unreachable', () => {
  beforeAll(() => ensureApiBuilt(), 300_000);

  it('does not start: it exits 1 at once, saying which Redis it could not reach (without its password)', async () => {
    const port = await freePort(); // nothing listens there
    const url = `redis://:s3cret@127.0.0.1:${port}/0`;
    const env = { ...baseEnv(), ...TOPOLOGY_API_ENV, PORT: String(await freePort()), HOST: '127.0.0.1', REDIS_URL: url };
    const api = new ManagedProcess('api-no-redis', 'node', [API_MAIN], env, WORKSPACE);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([api.exited, new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), 10_000)))]);
    clearTimeout(timer);
    if (exit === 'running') await api.stop('SIGKILL');
    expect(exit).toMatchObject({ code: 1 });
    expect(api.logs()).toContain(`Redis at redis://:[redacted]@127.0.0.1:${port}/0 is unreachable`);
    expect(api.logs()).not.toContain('s3cret');
  }, 20_000);
});
