// Cross-instance publish → deliver latency: a WebSocket publisher on one Herald
// instance, a WebSocket subscriber on another, both on the Redis bus — against a
// single instance on the in-memory bus (and on the Redis bus, to separate the
// cost of Redis from the cost of crossing instances), and through nginx.
//
//   node tools/bench/cross-instance.mjs [--messages 2000] [--rate 200] [--warmup 200]
//
// Latency is measured in this process: from sending the `publish` frame to
// receiving the `delivery` frame that carries it. Events are paced at `rate`
// per second, so this is latency under a steady load, not throughput.
// Figures vary with the machine; compare rows of one run.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { ensureBuilt, startLocalTopology } from '../scripts/topology.mjs';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '200' },
  },
});
const MESSAGES = Number(args.messages);
const RATE = Number(args.rate);
const WARMUP = Number(args.warmup);
const TIMEOUT_MS = 30_000;

function open(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error(`no WebSocket to ${url} within 5 s`)), 5_000);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function nextFrame(socket, event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} frame within 5 s`)), 5_000);
    const onMessage = (raw) => {
      const frame = JSON.parse(raw.toString());
      if (frame.event === 'error') reject(new Error(`error frame: ${JSON.stringify(frame.data)}`));
      if (frame.event !== event) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(frame);
    };
    socket.on('message', onMessage);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Publishes `warmup + messages` events on `publishWs`, paced at `rate`/s; returns the latencies (ms) of the measured ones. */
async function measure(publishWs, subscribeWs, topic) {
  const subscriber = await open(subscribeWs);
  const publisher = await open(publishWs);
  try {
    subscriber.send(JSON.stringify({ event: 'subscribe', data: { topics: [topic] } }));
    await nextFrame(subscriber, 'subscribed');
    const total = WARMUP + MESSAGES;
    const sentAt = new Float64Array(total + 1);
    const latencies = [];
    let received = 0;
    const allReceived = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received} of ${total} events arrived within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      subscriber.on('message', (raw) => {
        const now = performance.now();
        const frame = JSON.parse(raw.toString());
        if (frame.event !== 'delivery') return;
        for (const event of frame.data.events) {
          const n = event.data.n;
          if (n > WARMUP) latencies.push(now - sentAt[n]);
          received++;
        }
        if (received >= total) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const intervalMs = 1000 / RATE;
    const start = performance.now();
    for (let n = 1; n <= total; n++) {
      const due = start + (n - 1) * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sentAt[n] = performance.now();
      publisher.send(JSON.stringify({ event: 'publish', data: { topic, data: { n }, ref: String(n) } }));
    }
    await allReceived;
    return latencies.sort((a, b) => a - b);
  } finally {
    publisher.close();
    subscriber.close();
  }
}

function row(name, latencies) {
  return {
    name,
    count: latencies.length,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1),
  };
}

async function scenario(name, topologyOptions, pick) {
  const topology = await startLocalTopology({ ...topologyOptions, apiEnv: { HERALD_LOG_LEVEL: 'error', HERALD_RATE_PUBLISH_PER_MIN: '0', HERALD_TRUST_PROXY: 'on' } });
  try {
    const { publishWs, subscribeWs } = pick(topology);
    process.stdout.write(`  ${name}… `);
    const result = row(name, await measure(publishWs, subscribeWs, `bench-${Date.now()}`));
    console.log(`p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
    return result;
  } finally {
    await topology.stop();
  }
}

const ws = (url) => `${url.replace(/^http/, 'ws')}/ws`;

ensureBuilt();
console.log(`cross-instance latency: ${MESSAGES} events (after ${WARMUP} warm-up) at ${RATE}/s, WebSocket publish → WebSocket delivery`);
const rows = [];
rows.push(await scenario('1 instance, memory bus', { instances: 1, bus: 'memory', nginx: false }, ({ apis: [a] }) => ({ publishWs: ws(a.url), subscribeWs: ws(a.url) })));
rows.push(await scenario('1 instance, Redis bus', { instances: 1, nginx: false }, ({ apis: [a] }) => ({ publishWs: ws(a.url), subscribeWs: ws(a.url) })));
rows.push(await scenario('A → B, Redis bus', { instances: 2, nginx: false }, ({ apis: [a, b] }) => ({ publishWs: ws(a.url), subscribeWs: ws(b.url) })));
rows.push(await scenario('A → B, Redis bus, via nginx', { instances: 2 }, ({ nginx }) => ({ publishWs: ws(nginx.url), subscribeWs: ws(nginx.url) })));

const base = rows[0];
const fmt = (v) => v.toFixed(2).padStart(7);
console.log(`\n${'scenario'.padEnd(30)} ${'count'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p90 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}  p50 / p99 vs memory`);
for (const r of rows) {
  const ratio = r === base ? '1.0x / 1.0x' : `${(r.p50 / base.p50).toFixed(1)}x / ${(r.p99 / base.p99).toFixed(1)}x`;
  console.log(`${r.name.padEnd(30)} ${String(r.count).padStart(6)} ${fmt(r.p50)} ${fmt(r.p90)} ${fmt(r.p99)} ${fmt(r.max)}  ${ratio}`);
}
console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} CPUs; the publisher, subscriber, instances, Redis and nginx share them.`);
