// One subscriber adapter per transport, and the publisher. The same adapters drive Herald and the
// raw baseline (same wire format); the Socket.IO adapter speaks Engine.IO v4 / Socket.IO v5 packets
// over the same `ws` client, so every WebSocket figure is measured with the same client stack.
import WebSocket from 'ws';
import { HttpConnection } from './http-client.mjs';
import { lastCursor, payload, scanEvents } from './stats.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rejectAfter(ms, what) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Herald / raw WebSocket subscriber. */
class WsSubscriber {
  constructor({ port, topic, since, sink }) {
    Object.assign(this, { port, topic, since, sink, cursor: undefined, socket: null, closed: false });
  }

  open() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${this.port}/ws`, { perMessageDeflate: false, skipUTF8Validation: true });
      this.socket = socket;
      let opened = false;
      socket.on('open', () => {
        const data = this.since ? { topics: [this.topic], since: this.since } : { topics: [this.topic] };
        socket.send(JSON.stringify({ event: 'subscribe', data }));
      });
      socket.on('message', (raw) => {
        const text = raw.toString('latin1');
        if (text.startsWith('{"event":"delivery"')) {
          this.sink(text);
          if (this.trackCursor) this.cursor = lastCursor(text);
        } else if (text.startsWith('{"event":"subscribed"')) {
          this.cursor ??= lastCursor(text);
          opened = true;
          resolve();
        } else if (text.startsWith('{"event":"error"')) {
          if (!opened) reject(new Error(text));
        }
      });
      socket.on('error', (error) => {
        if (!opened) reject(error);
      });
      socket.on('close', () => {
        if (!opened) reject(new Error('closed before subscribed'));
      });
    });
  }

  close() {
    this.closed = true;
    this.socket?.terminate();
  }
}

/** Socket.IO subscriber: Engine.IO v4 handshake, `subscribe` with an ack, `delivery` events. */
class SioSubscriber {
  constructor({ port, topic, sink }) {
    Object.assign(this, { port, topic, sink, socket: null });
  }

  open() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${this.port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false, skipUTF8Validation: true });
      this.socket = socket;
      let opened = false;
      socket.on('message', (raw) => {
        const text = raw.toString('latin1');
        if (text.startsWith('42["delivery"')) this.sink(text);
        else if (text === '2') socket.send('3');
        else if (text.startsWith('0')) socket.send('40');
        else if (text.startsWith('40')) socket.send('420' + JSON.stringify(['subscribe', { topics: [this.topic] }]));
        else if (text.startsWith('430')) {
          opened = true;
          resolve();
        }
      });
      socket.on('error', (error) => {
        if (!opened) reject(error);
      });
      socket.on('close', () => {
        if (!opened) reject(new Error('closed before subscribed'));
      });
    });
  }

  close() {
    this.socket?.terminate();
  }
}

/** SSE subscriber over the minimal HTTP client; `since` is sent as Last-Event-ID. */
class SseSubscriber {
  constructor({ port, topic, since, sink }) {
    Object.assign(this, { port, topic, since, sink, cursor: undefined, conn: null, buffer: '' });
  }

  async open() {
    this.conn = new HttpConnection(this.port);
    await this.conn.connect();
    await new Promise((resolve, reject) => {
      let opened = false;
      const headers = this.since ? `Last-Event-ID: ${this.since}\r\nAccept: text/event-stream\r\n` : 'Accept: text/event-stream\r\n';
      this.conn
        .get(`/api/sse?topics=${this.topic}`, headers, (text) => {
          this.buffer += text;
          const end = this.buffer.lastIndexOf('\n\n');
          if (end < 0) return;
          const complete = this.buffer.slice(0, end + 2);
          this.buffer = this.buffer.slice(end + 2);
          if (!opened) {
            opened = true;
            resolve();
          }
          this.sink(complete);
          if (this.trackCursor) {
            const id = complete.lastIndexOf('id: ');
            if (id >= 0) this.cursor = complete.slice(id + 4, complete.indexOf('\n', id));
          }
        })
        .then(
          (res) => {
            if (!opened) reject(new Error(`SSE ended with status ${res.status}`));
          },
          (error) => {
            if (!opened) reject(error);
          },
        );
    });
  }

  close() {
    this.conn?.close();
  }
}

/** Asks for the cursor at "now" with a short poll (how a long-poll client starts from now). */
async function cursorNow(conn, topic) {
  const res = await conn.get(`/api/poll?topics=${topic}`);
  if (res.status !== 200) throw new Error(`poll for the start cursor answered ${res.status}`);
  return lastCursor(res.body);
}

class LongPollSubscriber {
  constructor({ port, topic, since, sink, timeoutMs = 25_000 }) {
    Object.assign(this, { port, topic, since, sink, timeoutMs, cursor: since, conn: null, closed: false, errors: 0 });
  }

  async open() {
    this.conn = new HttpConnection(this.port);
    await this.conn.connect();
    this.cursor ??= await cursorNow(this.conn, this.topic);
    void this.loop();
  }

  async loop() {
    while (!this.closed) {
      try {
        const res = await this.conn.get(`/api/long-poll?topics=${this.topic}&since=${this.cursor}&timeout=${this.timeoutMs}&limit=1000`);
        if (res.status !== 200) {
          this.errors++;
          await sleep(50);
          continue;
        }
        this.sink(res.body);
        this.cursor = lastCursor(res.body) ?? this.cursor;
      } catch {
        return;
      }
    }
  }

  close() {
    this.closed = true;
    this.conn?.close();
  }
}

class PollSubscriber {
  constructor({ port, topic, since, sink, intervalMs = 1000, ifNoneMatch = true }) {
    Object.assign(this, { port, topic, since, sink, intervalMs, ifNoneMatch, cursor: since, conn: null, closed: false, errors: 0, requests: 0 });
  }

  async open() {
    this.conn = new HttpConnection(this.port);
    await this.conn.connect();
    this.cursor ??= await cursorNow(this.conn, this.topic);
    void this.loop();
  }

  async loop() {
    // Spread the clients over the interval.
    await sleep(Math.random() * this.intervalMs);
    while (!this.closed) {
      try {
        const res = await this.conn.get(
          `/api/poll?topics=${this.topic}&since=${this.cursor}&limit=1000`,
          this.ifNoneMatch ? `If-None-Match: "${this.cursor}"\r\n` : '',
        );
        this.requests++;
        if (res.status === 200) {
          this.sink(res.body);
          this.cursor = lastCursor(res.body) ?? this.cursor;
        } else if (res.status !== 304) this.errors++;
      } catch {
        return;
      }
      await sleep(this.intervalMs);
    }
  }

  close() {
    this.closed = true;
    this.conn?.close();
  }
}

/**
 * A subscriber of `transport` on `server` for `topic`. `onText(text)` gets every chunk of
 * delivery text (frames, SSE messages, response bodies) to scan for events.
 */
export function createSubscriber(server, transport, options) {
  const args = { port: server.port, ...options };
  if (server.proto === 'sio') {
    if (transport !== 'ws') throw new Error('Socket.IO is only measured over WebSocket');
    return new SioSubscriber(args);
  }
  switch (transport) {
    case 'ws':
      return new WsSubscriber(args);
    case 'sse':
      return new SseSubscriber(args);
    case 'longPoll':
      return new LongPollSubscriber(args);
    case 'poll':
      return new PollSubscriber(args);
    default:
      throw new Error(`unknown transport ${transport}`);
  }
}

/** A sink that records every event found in delivery text into `recorder` for `state`. */
export function recordingSink(recorder, state) {
  return (text) => {
    const now = performance.now();
    scanEvents(text, (s, t) => recorder.record(state, s, t, now));
  };
}

/**
 * Publishes at a fixed rate over one WebSocket (Herald's and the raw server's `publish` frame, or a
 * Socket.IO `publish` event with an ack), with the sequence number and send time in the payload.
 */
export class Publisher {
  constructor(server) {
    this.server = server;
    this.acks = 0;
    this.errors = 0;
    this.ackWaiter = null;
    this.socket = null;
  }

  async open() {
    const sio = this.server.proto === 'sio';
    const url = sio ? `ws://127.0.0.1:${this.server.port}/socket.io/?EIO=4&transport=websocket` : `ws://127.0.0.1:${this.server.port}/ws`;
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    this.socket = socket;
    const timeout = rejectAfter(10_000, 'publisher connect');
    await Promise.race([
      timeout.promise,
      new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.on('message', (raw) => {
          const text = raw.toString('latin1');
          if (sio) {
            if (text.startsWith('43')) this.ack();
            else if (text === '2') socket.send('3');
            else if (text.startsWith('40')) resolve();
            else if (text.startsWith('0')) socket.send('40');
          } else if (text.startsWith('{"event":"ack"')) this.ack();
          else if (text.startsWith('{"event":"error"')) this.errors++;
        });
        if (!sio) socket.once('open', resolve);
      }),
    ]).finally(timeout.cancel);
  }

  ack() {
    this.acks++;
    if (this.ackWaiter && this.acks >= this.ackWaiter.target) {
      this.ackWaiter.resolve(true);
      this.ackWaiter = null;
    }
  }

  /** Sends one event now (sequence `seq`, `bytes` of payload). */
  send(topic, seq, bytes) {
    const data = payload(seq, Math.round(performance.now() * 1000) / 1000, bytes);
    if (this.server.proto === 'sio') this.socket.send('42' + seq + '["publish",{"topic":"' + topic + '","data":' + data + '}]');
    else this.socket.send('{"event":"publish","data":{"topic":"' + topic + '","data":' + data + '}}');
  }

  /**
   * Publishes `count` events numbered `first`.. at `rate` per second. Resolves with the achieved
   * send rate once the last one is sent (acks may still be on their way: see `settled`).
   */
  run({ topic, rate, count, bytes, first = 1 }) {
    return new Promise((resolve) => {
      const t0 = performance.now();
      let sent = 0;
      const tick = () => {
        const due = Math.min(count, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
        while (sent < due) this.send(topic, first + sent++, bytes);
        if (sent < count) setTimeout(tick, 1);
        else {
          const seconds = (performance.now() - t0) / 1000;
          resolve({ sent, seconds, rate: count > 1 ? (count - 1) / Math.max(seconds, 1e-3) : rate, startedAt: t0 });
        }
      };
      tick();
    });
  }

  /** Resolves true once `total` acks have arrived, false after `ms`. */
  settled(total, ms) {
    if (this.acks >= total) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ackWaiter = null;
        resolve(false);
      }, ms);
      this.ackWaiter = {
        target: total,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      };
    });
  }

  close() {
    this.socket?.terminate();
  }
}

export { sleep };
