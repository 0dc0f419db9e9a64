// The scenarios. Each trial measures one server over one transport; run.mjs interleaves servers
// (Herald, raw, Herald, raw, ...) and takes medians.
import { createSubscriber, Publisher, sleep } from './adapters.mjs';
import { HttpConnection } from './http-client.mjs';
import { CpuWindow, memory } from './proc.mjs';
import { lastCursor, median, Recorder, Samples, scanEvents } from './stats.mjs';

/** Generator / server CPU share of one core above which that side is called the bottleneck. */
export const BOUND_PCT = 90;

function bottleneck(cpu) {
  if (cpu.genCpuPct > BOUND_PCT) return 'generator';
  if (cpu.serverCpuPct > BOUND_PCT) return 'server';
  return '';
}

/**
 * N subscribers of one server/transport/topic that can be re-pointed at a fresh Recorder per step,
 * so a rising-rate search reuses its connections. Events are numbered globally per group; a step
 * records `s - base`, so stragglers of an earlier step are "stale", not errors.
 */
class SubscriberGroup {
  /** `servers`: one server, or several (subscribers are spread over them round-robin). */
  constructor(servers, transport, topic, options) {
    this.servers = Array.isArray(servers) ? servers : [servers];
    this.server = this.servers[0];
    this.pids = this.servers.map((s) => s.pid);
    Object.assign(this, { transport, topic, options });
    this.subs = [];
    this.states = [];
    this.rec = null;
    this.base = 0;
    this.nextSeq = 1;
    this.openErrors = 0;
    this.lastActivity = 0;
  }

  sinkFor(index) {
    return (text) => {
      const now = performance.now();
      this.lastActivity = now;
      const rec = this.rec;
      if (!rec) return;
      const state = this.states[index];
      const base = this.base;
      scanEvents(text, (s, t) => rec.record(state, s - base, t, now));
    };
  }

  /** Opens `count` subscribers, `batch` at a time; failures are counted, not fatal. */
  async open(count, batch = 100, since) {
    for (let i = 0; i < count; i += batch) {
      const wave = [];
      for (let j = i; j < Math.min(count, i + batch); j++) {
        const index = this.subs.length;
        const server = this.servers[index % this.servers.length];
        const sub = createSubscriber(server, this.transport, { topic: this.topic, since, sink: this.sinkFor(index), ...this.options });
        this.subs.push(sub);
        wave.push(
          sub.open().then(
            () => true,
            () => {
              this.openErrors++;
              sub.close();
              this.subs[index] = null;
              return false;
            },
          ),
        );
      }
      await Promise.all(wave);
    }
    this.subs = this.subs.filter(Boolean);
    // Re-index sinks after dropping failures.
    this.subs.forEach((sub, index) => {
      sub.sink = this.sinkFor(index);
    });
  }

  attach(rec, base) {
    this.rec = rec;
    this.base = base;
    this.states = this.subs.map(() => rec.subscriber());
  }

  /** Waits until no delivery arrived for `quietMs` (at most `maxMs`). */
  async quiet(quietMs = 300, maxMs = 5000) {
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline && performance.now() - this.lastActivity < quietMs) await sleep(50);
  }

  close() {
    for (const sub of this.subs) sub.close();
    this.subs = [];
  }
}

/** One fixed-rate step: publish rate x duration events and wait for every subscriber to have them. */
async function deliveryStep(group, publisher, { rate, duration, bytes, drainMs, lateMs = 15_000 }) {
  const count = Math.max(1, Math.round(rate * duration));
  const base = group.nextSeq - 1;
  group.nextSeq += count;
  const rec = new Recorder(count);
  group.attach(rec, base);
  const acks0 = publisher.acks;
  const cpuWindow = new CpuWindow(group.pids);
  const pub = await publisher.run({ topic: group.topic, rate, count, bytes, first: base + 1 });
  const complete = await rec.whenComplete(drainMs);
  const acked = await publisher.settled(acks0 + count, 2000);
  const cpu = cpuWindow.end();
  // Not all there in time: keep listening until deliveries stop, so "lost" means never delivered
  // (the step still fails on `complete` and on latency).
  if (!complete) {
    await rec.whenComplete(1);
    const deadline = performance.now() + lateMs;
    let seen = -1;
    while (performance.now() < deadline && rec.complete < rec.subs.length && rec.deliveries !== seen) {
      seen = rec.deliveries;
      await sleep(1000);
    }
  }
  group.rec = null;
  const summary = rec.summary();
  const span = (rec.lastAt - pub.startedAt) / 1000;
  const deliveriesPerSec = span > 0 ? rec.deliveries / span : 0;
  return {
    rate,
    offered: pub.rate,
    events: count,
    ...summary,
    complete,
    acked,
    deliveriesPerSec,
    ...cpu,
    serverUsPerDelivery: rec.deliveries ? (cpu.serverCpu * 1e6) / rec.deliveries : NaN,
    rss: group.pids.reduce((sum, pid) => sum + memory(pid).rss, 0),
    openErrors: group.openErrors,
    bound: bottleneck(cpu),
  };
}

function drainFor(transport, opts) {
  if (transport === 'poll') return Math.max(1500, 3 * opts.pollIntervalMs);
  return opts.drainMs;
}

/** Fan-out: N subscribers, a fixed publish rate. */
export async function fanout(server, transport, opts) {
  const subscribers = transport === 'poll' || transport === 'longPoll' ? opts.fanoutPollSubs : opts.fanoutSubs;
  const group = new SubscriberGroup(server, transport, `bench.fanout.${transport}`, { intervalMs: opts.pollIntervalMs });
  const publisher = new Publisher(server);
  try {
    await publisher.open();
    const t0 = performance.now();
    await group.open(subscribers, opts.rampBatch);
    const rampSeconds = (performance.now() - t0) / 1000;
    await sleep(300);
    const result = await deliveryStep(group, publisher, { rate: opts.fanoutRate, duration: opts.fanoutSeconds, bytes: opts.payload, drainMs: drainFor(transport, opts) });
    return { ...result, subscribers: group.subs.length, rampSeconds };
  } finally {
    group.close();
    publisher.close();
    await sleep(300);
  }
}

/** Saturation: 100 subscribers, rising rate; the highest rate delivered completely with p99 < 100 ms. */
export async function saturation(server, transport, opts, seed, { topicSuffix = '' } = {}) {
  const interval = transport === 'poll' ? opts.satPollIntervalMs : opts.pollIntervalMs;
  // Polling transports pay a request per delivery round: start them lower.
  const start = transport === 'poll' || transport === 'longPoll' ? opts.satStartPolling : opts.satStart;
  const group = new SubscriberGroup(server, transport, `bench.saturation.${transport}${topicSuffix}`, { intervalMs: interval });
  // The publisher talks to the first server; with several, the others get events through the bus.
  const publisher = new Publisher(group.server);
  const steps = [];
  try {
    await publisher.open();
    await group.open(opts.satSubs, opts.rampBatch);
    await sleep(300);
    const drainMs = transport === 'poll' ? Math.max(1000, 4 * interval) : opts.drainMs;
    const maxSteps = opts.satMaxSteps;
    const run = async (rate) => {
      const step = await deliveryStep(group, publisher, { rate, duration: opts.satSeconds, bytes: opts.payload, drainMs, lateMs: 3000 });
      step.pass = step.complete && step.acked && step.lost === 0 && step.dup === 0 && step.ooo === 0 && step.foreign === 0 && step.p99 < opts.satP99Ms && step.offered >= 0.95 * rate;
      if (!step.pass) await group.quiet(300, 5000);
      else await sleep(100);
      return step;
    };
    // Warm-up (JIT, connection buffers), not judged.
    await run(Math.max(10, Math.round(start / 4)));
    /**
     * A rate passes when a step delivers every event to every subscriber in time with p99 under the
     * bound. On a shared machine a single stall can sink a short step, so a failure is re-run once:
     * a rate fails only if it fails twice in a row.
     */
    const test = async (rate) => {
      rate = Math.round(rate);
      if (steps.length >= maxSteps) return false;
      let step = await run(rate);
      steps.push(step);
      if (!step.pass && steps.length < maxSteps) {
        step = await run(rate);
        step.retry = true;
        steps.push(step);
      }
      return step.pass;
    };
    let lo = 0;
    let hi = Infinity;
    if (!seed) {
      let rate = start;
      if (await test(rate)) {
        lo = rate;
        for (rate *= 2; rate <= opts.satMax && (await test(rate)); rate *= 2) lo = rate;
        hi = rate;
      } else {
        hi = rate;
        for (rate /= 2; rate >= opts.satMin; rate /= 2) {
          if (await test(rate)) {
            lo = Math.round(rate);
            break;
          }
          hi = rate;
        }
      }
      if (lo > 0 && hi <= opts.satMax) {
        for (let i = 0; i < opts.satRefine; i++) {
          const mid = Math.sqrt(lo * hi);
          if (await test(mid)) lo = Math.round(mid);
          else hi = mid;
        }
      }
    } else {
      // From an earlier repetition's result: step by `satProbeFactor` (25 %) until the outcome
      // flips (halving on the way down after two misses), then bisect once.
      const f = opts.satProbeFactor;
      if (await test(seed)) {
        lo = seed;
        for (let rate = seed * f; rate <= opts.satMax; rate *= f) {
          if (!(await test(rate))) {
            hi = rate;
            break;
          }
          lo = Math.round(rate);
        }
      } else {
        hi = seed;
        for (let rate = seed / f, n = 1; rate >= opts.satMin; rate /= n++ < 2 ? f : 2) {
          if (await test(rate)) {
            lo = Math.round(rate);
            break;
          }
          hi = rate;
        }
      }
      if (lo > 0 && Number.isFinite(hi) && (await test(Math.sqrt(lo * hi)))) lo = Math.round(Math.sqrt(lo * hi));
    }
    // No passing rate within the step budget: unknown, not zero (medians skip it).
    const exhausted = lo === 0 && steps.length >= maxSteps;
    const best = steps.filter((s) => s.pass && s.rate === lo).at(-1) ?? steps.filter((s) => s.pass).at(-1);
    const failed = steps.filter((s) => !s.pass);
    return {
      rate: exhausted ? NaN : lo,
      exhausted,
      deliveriesPerSec: best ? best.deliveriesPerSec : exhausted ? NaN : 0,
      p99: best?.p99 ?? NaN,
      serverCpuPct: best?.serverCpuPct ?? NaN,
      genCpuPct: best?.genCpuPct ?? NaN,
      serverUsPerDelivery: best?.serverUsPerDelivery ?? NaN,
      lost: best?.lost ?? 0,
      dup: best?.dup ?? 0,
      steps: steps.length,
      subscribers: group.subs.length,
      // The first failing step above the result: what gave out.
      firstFail: failed.find((s) => s.rate > lo) ?? null,
      bound: [best?.bound, failed.find((s) => s.rate > lo)?.bound].filter(Boolean).join('/') || '',
      // Share of the CPUs other processes took, per step (see CpuWindow.noisePct).
      noisePct: median(steps.map((s) => s.noisePct)),
      log: steps.map(
        (s) =>
          `${s.rate}${s.retry ? ' again' : ''}:${s.pass ? 'ok' : 'FAIL'}(p99 ${s.p99?.toFixed(1)}${s.complete ? '' : ' late'}${s.lost ? ' lost ' + s.lost : ''} gen ${s.genCpuPct.toFixed(0)}% srv ${s.serverCpuPct.toFixed(0)}%${s.noisePct >= 10 ? ' other ' + s.noisePct.toFixed(0) + '%' : ''})`,
      ),
    };
  } finally {
    group.close();
    publisher.close();
    await sleep(300);
  }
}

/** Capacity: N idle subscribers; memory per connection after a full GC. Needs a fresh server. */
export async function capacity(server, transport, opts) {
  await sleep(500);
  const before = await server.gcAndMemory();
  const rss0 = memory(server.pid).rss;
  const group = new SubscriberGroup(server, transport, 'bench.idle', {});
  const t0 = performance.now();
  try {
    await group.open(opts.capacityConns, opts.capacityBatch);
    const openSeconds = (performance.now() - t0) / 1000;
    await sleep(1500);
    const after = await server.gcAndMemory();
    await sleep(200);
    const rss1 = memory(server.pid).rss;
    const n = group.subs.length;
    return {
      connections: n,
      openErrors: group.openErrors,
      openPerSec: n / openSeconds,
      rssBefore: rss0,
      rssAfter: rss1,
      rssPerConn: (rss1 - rss0) / n,
      heapPerConn: before && after ? (after.heapUsed + after.external - before.heapUsed - before.external) / n : NaN,
    };
  } finally {
    group.close();
    await sleep(500);
  }
}

/** Polling cost: closed-loop polls that find nothing, with or without If-None-Match. */
export async function pollingCost(server, opts, { ifNoneMatch }) {
  const topic = 'bench.pollcost';
  const publisher = new Publisher(server);
  await publisher.open();
  for (let i = 0; i < 10; i++) publisher.send(topic, 1_000_000 + i, 64);
  await publisher.settled(10, 5000);
  publisher.close();
  const conns = [];
  for (let i = 0; i < opts.pollConns; i++) {
    const conn = new HttpConnection(server.port);
    await conn.connect();
    conns.push(conn);
  }
  const first = await conns[0].get(`/api/poll?topics=${topic}`);
  const cursor = lastCursor(first.body);
  const path = `/api/poll?topics=${topic}&since=${cursor}`;
  const headers = ifNoneMatch ? `If-None-Match: "${cursor}"\r\n` : '';
  let ok = 0;
  let bad = 0;
  const latency = new Samples();
  const cpuWindow = new CpuWindow(server.pid);
  const deadline = performance.now() + opts.pollSeconds * 1000;
  await Promise.all(
    conns.map(async (conn) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const res = await conn.get(path, headers);
        latency.push(performance.now() - t);
        if (res.status === (ifNoneMatch ? 304 : 200) && (ifNoneMatch || res.body.startsWith('{"events":[]'))) ok++;
        else bad++;
      }
    }),
  );
  const cpu = cpuWindow.end();
  conns.forEach((c) => c.close());
  const [p50, p99] = latency.percentiles(50, 99);
  await sleep(300);
  return {
    requestsPerSec: (ok + bad) / cpu.wall,
    ok,
    bad,
    p50,
    p99,
    ...cpu,
    serverUsPerRequest: (cpu.serverCpu * 1e6) / Math.max(1, ok + bad),
    bound: bottleneck(cpu),
  };
}

/**
 * Resume: `back` events after a cursor are waiting; `clients` reconnect at once with that cursor.
 * Measures how long until every client has every event, and checks none is lost or repeated.
 */
export async function resume(server, transport, opts) {
  const topic = `bench.resume.${transport}`;
  const back = opts.resumeBack;
  const publisher = new Publisher(server);
  await publisher.open();
  const probe = new HttpConnection(server.port);
  await probe.connect();
  // Events before the cursor carry sequence numbers past `back`: receiving one is an error.
  const pre = Math.min(back, 200);
  await publisher.run({ topic, rate: 1e6, count: pre, bytes: opts.payload, first: back + 1000 });
  await publisher.settled(pre, 10_000);
  const cursor = lastCursor((await probe.get(`/api/poll?topics=${topic}`)).body);
  await publisher.run({ topic, rate: 1e6, count: back, bytes: opts.payload, first: 1 });
  await publisher.settled(pre + back, 20_000);
  probe.close();
  publisher.close();

  const rec = new Recorder(back);
  const catchUp = new Samples();
  const subs = [];
  let openErrors = 0;
  const cpuWindow = new CpuWindow(server.pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.resumeClients }, async () => {
      const state = rec.subscriber();
      const started = performance.now();
      const sink = (text) => {
        const now = performance.now();
        const before = state.distinct;
        scanEvents(text, (s, t) => rec.record(state, s, t, now));
        if (before < back && state.distinct === back) catchUp.push(now - started);
      };
      const sub = createSubscriber(server, transport, { topic, since: cursor, sink, intervalMs: 1000 });
      subs.push(sub);
      try {
        await sub.open();
      } catch {
        openErrors++;
      }
    }),
  );
  const complete = await rec.whenComplete(opts.resumeTimeoutMs);
  const seconds = (rec.lastAt - t0) / 1000;
  const cpu = cpuWindow.end();
  subs.forEach((s) => s.close());
  const summary = rec.summary();
  const [p50, p99] = catchUp.percentiles(50, 99);
  await sleep(500);
  return {
    clients: opts.resumeClients,
    back,
    complete,
    seconds: complete ? seconds : NaN,
    eventsPerSec: summary.deliveries / Math.max(seconds, 1e-3),
    catchUpP50: p50,
    catchUpP99: p99,
    lost: summary.lost,
    dup: summary.dup,
    ooo: summary.ooo,
    foreign: summary.foreign,
    openErrors,
    ...cpu,
    bound: bottleneck(cpu),
  };
}
