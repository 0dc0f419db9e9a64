#!/usr/bin/env node
// The raw baseline: what a careful engineer writes in an afternoon with node:http and `ws`, and
// nothing more. Same wire format as Herald for what the benchmark uses (single-topic
// subscriptions; the same cursor encoding; `since` = cursor | earliest | now), so the same
// generator adapters drive both. Per event: one JSON.stringify, one shared frame per wire format,
// then a plain loop over the subscribers. Not a product: no validation beyond what keeps it up.
//
//   PORT=4000 RETENTION=10000 node tools/bench/raw-server.mjs
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';

const PORT = Number(process.env.PORT ?? 0);
const HOST = process.env.HOST ?? '127.0.0.1';
const RETENTION = Number(process.env.RETENTION ?? 10_000);
const HEARTBEAT_MS = Number(process.env.HEARTBEAT_MS ?? 15_000);
const MAX_BUFFERED = 4 * 1024 * 1024;
const epoch = randomBytes(6).toString('base64url');

/** name -> { name, ring, latest, ws:Set, sse:Set, waiters:Set } */
const topics = new Map();

function topic(name) {
  let t = topics.get(name);
  if (!t) {
    t = { name, ring: new Array(RETENTION), latest: 0, ws: new Set(), sse: new Set(), waiters: new Set() };
    topics.set(name, t);
  }
  return t;
}

const first = (t) => Math.max(1, t.latest - RETENTION + 1);

function encodeCursor(name, position) {
  return Buffer.from(`h1|${epoch}|${name}|${position}`).toString('base64url');
}

/** Where to start after `since`: { after, reset } or null for a cursor we did not issue. */
function resolveSince(t, since) {
  if (!since) return { after: t.latest, reset: false };
  if (since === 'earliest') return { after: first(t) - 1, reset: false };
  const parts = Buffer.from(since, 'base64url').toString().split('|');
  if (parts[0] !== 'h1' || parts.length !== 4) return null;
  const position = Number(parts[3]);
  if (parts[1] !== epoch || parts[2] !== t.name || !(position >= first(t) - 1 && position <= t.latest)) {
    return { after: first(t) - 1, reset: true };
  }
  return { after: position, reset: false };
}

function eventsAfter(t, after, limit) {
  const from = Math.max(after + 1, first(t));
  const out = [];
  for (let p = from; p <= t.latest && out.length < limit; p++) out.push(t.ring[p % RETENTION]);
  return out;
}

function deliveryJson(events, cursor, reset) {
  let body = '{"events":[';
  for (let i = 0; i < events.length; i++) body += (i ? ',' : '') + events[i].json;
  return body + '],"cursor":"' + cursor + '"' + (reset ? ',"reset":true' : '') + '}';
}

function publish(name, type, data) {
  const t = topic(name);
  const position = ++t.latest;
  const json = JSON.stringify({ id: String(position), topic: name, type, data, ts: Date.now() });
  const event = { position, json, cursor: encodeCursor(name, position) };
  t.ring[position % RETENTION] = event;
  if (t.ws.size > 0) {
    const frame = '{"event":"delivery","data":{"events":[' + json + '],"cursor":"' + event.cursor + '"}}';
    for (const socket of t.ws) sendWs(socket, frame);
  }
  if (t.sse.size > 0) {
    const message = 'id: ' + event.cursor + '\ndata: ' + json + '\n\n';
    for (const res of t.sse) writeSse(res, message);
  }
  if (t.waiters.size > 0) {
    const waiters = t.waiters;
    t.waiters = new Set();
    for (const waiter of waiters) answerLongPoll(t, waiter);
  }
  return event;
}

function sendWs(socket, frame) {
  if (socket.bufferedAmount > MAX_BUFFERED) socket.close(4008, 'slow consumer');
  else socket.send(frame);
}

function writeSse(res, text) {
  if (res.writableLength > MAX_BUFFERED) res.destroy();
  else res.write(text);
}

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function problem(res, status, code, detail) {
  const body = JSON.stringify({ type: `urn:herald:problem:${code}`, title: 'Bad Request', status, detail, code });
  res.writeHead(status, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function answerLongPoll(t, waiter) {
  clearTimeout(waiter.timer);
  const events = eventsAfter(t, waiter.after, waiter.limit);
  const cursor = events.length ? events[events.length - 1].cursor : encodeCursor(t.name, waiter.after);
  sendJson(waiter.res, 200, deliveryJson(events, cursor, waiter.reset), { 'Cache-Control': 'no-store' });
}

function subscription(res, query, sinceOverride) {
  const name = query.get('topics');
  if (!name) {
    problem(res, 400, 'missing_topics', 'name a topic');
    return null;
  }
  const t = topic(name);
  const start = resolveSince(t, sinceOverride || query.get('since'));
  if (!start) {
    problem(res, 400, 'invalid_cursor', 'not a cursor');
    return null;
  }
  return { t, ...start, limit: Math.min(1000, Number(query.get('limit') ?? 100) || 100) };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));

  if (req.method === 'GET' && path === '/api/poll') {
    const sub = subscription(res, query);
    if (!sub) return;
    const events = eventsAfter(sub.t, sub.after, sub.limit);
    const cursor = events.length ? events[events.length - 1].cursor : encodeCursor(sub.t.name, sub.after);
    const etag = `"${cursor}"`;
    if (!events.length && !sub.reset && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' });
      res.end();
      return;
    }
    sendJson(res, 200, deliveryJson(events, cursor, sub.reset), { ETag: etag, 'Cache-Control': 'no-cache' });
    return;
  }

  if (req.method === 'GET' && path === '/api/long-poll') {
    const sub = subscription(res, query);
    if (!sub) return;
    const waiter = { res, after: sub.after, limit: sub.limit, reset: sub.reset, timer: undefined };
    if (sub.after < sub.t.latest || sub.reset) {
      answerLongPoll(sub.t, waiter);
      return;
    }
    const timeout = Math.min(60_000, Number(query.get('timeout') ?? 25_000));
    sub.t.waiters.add(waiter);
    waiter.timer = setTimeout(() => {
      sub.t.waiters.delete(waiter);
      answerLongPoll(sub.t, waiter);
    }, timeout);
    res.on('close', () => {
      clearTimeout(waiter.timer);
      sub.t.waiters.delete(waiter);
    });
    return;
  }

  if (req.method === 'GET' && path === '/api/sse') {
    const sub = subscription(res, query, req.headers['last-event-id']);
    if (!sub) return;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    req.socket.setNoDelay(true);
    let text = '\nid: ' + encodeCursor(sub.t.name, sub.after) + '\nretry: 3000\n: herald stream open\n\n';
    for (let events = eventsAfter(sub.t, sub.after, 500); events.length; events = eventsAfter(sub.t, sub.after, 500)) {
      for (const e of events) text += 'id: ' + e.cursor + '\ndata: ' + e.json + '\n\n';
      sub.after = events[events.length - 1].position;
    }
    res.write(text);
    sub.t.sse.add(res);
    res.on('close', () => sub.t.sse.delete(res));
    return;
  }

  if (req.method === 'POST' && path.startsWith('/api/topics/') && path.endsWith('/events')) {
    try {
      const body = JSON.parse(await readBody(req));
      const event = publish(decodeURIComponent(path.slice(12, -7)), body.type ?? 'message', body.data);
      sendJson(res, 201, event.json);
    } catch {
      problem(res, 400, 'invalid_json', 'bad body');
    }
    return;
  }

  if (req.method === 'GET' && path === '/api/topics') {
    sendJson(res, 200, JSON.stringify({ topics: [...topics.values()].map((t) => ({ name: t.name, latest: t.latest })) }));
    return;
  }
  problem(res, 404, 'not_found', 'no such route');
});

const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 68 * 1024 });
wss.on('connection', (socket) => {
  const subscribed = new Set();
  socket.on('error', () => undefined);
  socket.on('close', () => {
    for (const t of subscribed) t.ws.delete(socket);
  });
  socket.on('message', (raw) => {
    let frame;
    try {
      frame = JSON.parse(raw.toString());
    } catch {
      socket.send('{"event":"error","data":{"code":"invalid_frame","message":"not JSON"}}');
      return;
    }
    const data = frame.data ?? {};
    const ref = typeof data.ref === 'string' ? data.ref : undefined;
    if (frame.event === 'publish') {
      const event = publish(data.topic, data.type ?? 'message', data.data);
      socket.send('{"event":"ack","data":{' + (ref === undefined ? '' : '"ref":' + JSON.stringify(ref) + ',') + '"envelope":' + event.json + '}}');
    } else if (frame.event === 'subscribe') {
      const t = topic(data.topics[0]);
      const start = resolveSince(t, data.since);
      if (!start) {
        socket.send(JSON.stringify({ event: 'error', data: { code: 'invalid_cursor', message: 'not a cursor', ref } }));
        return;
      }
      socket.send(JSON.stringify({ event: 'subscribed', data: { topics: [t.name], cursor: encodeCursor(t.name, start.after), ref } }));
      let reset = start.reset;
      for (let events = eventsAfter(t, start.after, 500); events.length; events = eventsAfter(t, start.after, 500)) {
        const cursor = events[events.length - 1].cursor;
        socket.send('{"event":"delivery","data":' + deliveryJson(events, cursor, reset) + '}');
        reset = false;
        start.after = events[events.length - 1].position;
      }
      t.ws.add(socket);
      subscribed.add(t);
    } else if (frame.event === 'unsubscribe') {
      for (const name of data.topics ?? []) {
        const t = topics.get(name);
        t?.ws.delete(socket);
        if (t) subscribed.delete(t);
      }
    } else if (frame.event === 'ping') {
      socket.send(JSON.stringify({ event: 'pong', data: { ref, ts: Date.now() } }));
    }
  });
});

setInterval(() => {
  const frame = JSON.stringify({ event: 'heartbeat', data: { ts: Date.now() } });
  for (const t of topics.values()) {
    for (const res of t.sse) writeSse(res, ': heartbeat\n\n');
  }
  for (const socket of wss.clients) socket.send(frame);
}, HEARTBEAT_MS).unref();

server.listen(PORT, HOST, () => {
  console.log(`READY ${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
