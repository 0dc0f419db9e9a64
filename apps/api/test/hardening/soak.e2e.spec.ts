import { createRealtimeClient, RealtimeTransport } from '@herald/client';
import type { Envelope } from '@herald/contracts';
import { Recorder, testClientOptions } from '../client/recorder';
import { TcpProxy } from '../client/tcp-proxy';
import { eventually, startHerald } from '../support/herald-server';

/**
 * Mixed load with zero loss: SDK clients on all four transports (two of each)
 * behind a proxy that drops every connection at random intervals, a steady
 * publisher on two topics, and extra short-lived WS and SSE subscribers
 * churning beside them. Every long-lived client must end with every event
 * exactly once, in order per topic. `npm run soak` runs it for minutes.
 */
const SECONDS = Number(process.env['HERALD_SOAK_SECONDS'] ?? 8);
const RATE_PER_SEC = Number(process.env['HERALD_SOAK_RATE'] ?? 40);

describe(`soak: ${SECONDS} s of mixed load with reconnects`, () => {
  it('every client gets every event exactly once, per-topic order kept', async () => {
    const server = await startHerald({ HERALD_RATE_CONNECT_PER_MIN: '0', HERALD_RATE_PUBLISH_PER_MIN: '0', HERALD_SSE_RETRY_MS: '50' });
    const proxy = await TcpProxy.start(Number(new URL(server.url).port));
    const topics = ['soak.a', 'soak.b'];
    const kinds = ['ws', 'sse', 'long-poll', 'poll'] as const;
    const clients: { kind: string; transport: RealtimeTransport; recorder: Recorder }[] = [];
    for (const kind of kinds) {
      for (let i = 0; i < 2; i++) {
        const transport = createRealtimeClient(testClientOptions(proxy.url, { transport: kind }));
        clients.push({ kind, transport, recorder: new Recorder(transport, topics, { since: 'earliest' }) });
      }
    }
    await Promise.all(clients.map((c) => c.recorder.untilOpen(10_000)));

    const published: Envelope[] = [];
    let cuts = 0;
    let churned = 0;
    const churning: Promise<void>[] = [];
    const deadline = Date.now() + SECONDS * 1000;
    let nextCut = Date.now() + 500 + Math.random() * 1500;
    while (Date.now() < deadline) {
      const tickStart = Date.now();
      for (let i = 0; i < Math.max(1, Math.round(RATE_PER_SEC / 10)); i++) {
        const topic = topics[published.length % 2];
        published.push((await server.bus.publish(topic, { type: 'n', data: { n: published.length } })).envelope);
      }
      if (Date.now() >= nextCut) {
        proxy.cut();
        cuts++;
        setTimeout(() => proxy.restore(), 50 + Math.random() * 250);
        nextCut = Date.now() + 500 + Math.random() * 1500;
      }
      // Churn: a short-lived subscriber straight to the server, opened and dropped.
      if (published.length % 20 === 0) {
        const transport = createRealtimeClient(testClientOptions(server.url, { transport: churned % 2 ? 'sse' : 'ws' }));
        const recorder = new Recorder(transport, topics);
        churning.push(new Promise<void>((resolve) => setTimeout(() => resolve(recorder.stop()), 200)));
        churned++;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - tickStart))));
    }
    proxy.restore();
    await Promise.all(churning);

    const expected = (topic: string) => published.filter((e) => e.topic === topic).map((e) => e.id);
    await eventually(() => clients.every((c) => c.recorder.events().length >= published.length), 'every client caught up', 30_000);
    const report: Record<string, { received: number; lost: number; duplicated: number; reconnects: number }> = {};
    for (const [index, c] of clients.entries()) {
      const events = c.recorder.events();
      const keys = events.map((e) => `${e.topic}/${e.id}`);
      const unique = new Set(keys);
      report[`${c.kind}#${index % 2}`] = {
        received: events.length,
        lost: published.filter((e) => !unique.has(`${e.topic}/${e.id}`)).length,
        duplicated: keys.length - unique.size,
        reconnects: c.transport.stats.reconnects,
      };
      for (const topic of topics) expect([c.kind, topic, events.filter((e) => e.topic === topic).map((e) => e.id)]).toEqual([c.kind, topic, expected(topic)]);
      expect(c.recorder.errors).toEqual([]);
      expect(c.recorder.deliveries.some((d) => d.reset)).toBe(false);
    }
    console.log(`soak: ${SECONDS} s, published ${published.length}, connection cuts ${cuts}, churned subscribers ${churned}\n` + JSON.stringify(report, null, 1));
    for (const c of clients) c.recorder.stop();
    await proxy.close();
    await eventually(() => server.bus.liveSubscriptionCount() === 0, 'all subscriptions released', 10_000);
    await server.close();
  }, (SECONDS + 60) * 1000);
});
