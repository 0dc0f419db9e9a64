#!/usr/bin/env node
// The Socket.IO baseline for the WebSocket case: the idiomatic Socket.IO 4 server (rooms per topic,
// `io.to(topic).emit`, acks), WebSocket transport only (no HTTP long-polling upgrade dance), no
// compression. Frames carry the same Delivery shape ({events, cursor}) inside Socket.IO's
// `42["delivery", ...]` packets, and the same cursor encoding.
//
//   PORT=4001 node tools/bench/socketio-server.mjs
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Server } from 'socket.io';

const PORT = Number(process.env.PORT ?? 0);
const HOST = process.env.HOST ?? '127.0.0.1';
const RETENTION = Number(process.env.RETENTION ?? 10_000);
const epoch = randomBytes(6).toString('base64url');
const topics = new Map();

function topic(name) {
  let t = topics.get(name);
  if (!t) {
    t = { name, ring: new Array(RETENTION), latest: 0 };
    topics.set(name, t);
  }
  return t;
}

const cursorOf = (name, position) => Buffer.from(`h1|${epoch}|${name}|${position}`).toString('base64url');

const httpServer = http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'Content-Type': 'text/plain' });
  res.end('ok');
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  httpCompression: false,
  maxHttpBufferSize: 68 * 1024,
});

io.on('connection', (socket) => {
  socket.on('subscribe', (data, ack) => {
    const names = Array.isArray(data?.topics) ? data.topics : [];
    for (const name of names) socket.join(name);
    if (typeof ack === 'function') {
      const t = topic(names[0]);
      ack({ topics: names, cursor: cursorOf(t.name, t.latest) });
    }
  });
  socket.on('publish', (data, ack) => {
    const t = topic(data.topic);
    const position = ++t.latest;
    const envelope = { id: String(position), topic: t.name, type: data.type ?? 'message', data: data.data, ts: Date.now() };
    t.ring[position % RETENTION] = envelope;
    io.to(t.name).emit('delivery', { events: [envelope], cursor: cursorOf(t.name, position) });
    if (typeof ack === 'function') ack({ envelope });
  });
});

httpServer.listen(PORT, HOST, () => {
  console.log(`READY ${httpServer.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
