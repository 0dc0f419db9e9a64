import { EventEmitter } from 'node:events';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { EMPTY, Observable, of, Subject } from 'rxjs';
import type { WebSocket } from 'ws';
import { HeraldWsAdapter, routeFrame } from './herald-ws.adapter';

const NAMES = ['subscribe', 'unsubscribe', 'publish', 'ping'];

/** The parts of a `ws` WebSocket the adapter uses. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: unknown[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function text(value: unknown): Buffer {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

function setup(results: Partial<Record<string, (data: unknown) => unknown>> = {}) {
  const adapter = new HeraldWsAdapter(undefined as unknown as INestApplicationContext, 1024);
  const calls: Array<[string, unknown]> = [];
  const handlers: MessageMappingProperties[] = NAMES.map((message) => ({
    message,
    methodName: message,
    isAckHandledManually: false,
    callback: (data: unknown, event: string) => {
      calls.push([event, data]);
      return (results[message]?.(data) ?? Promise.resolve(undefined)) as Promise<unknown>;
    },
  }));
  const socket = new FakeSocket();
  adapter.bindMessageHandlers(socket as unknown as WebSocket, handlers, () => EMPTY);
  const disconnects: number[] = [];
  adapter.bindClientDisconnect(socket as unknown as WebSocket, () => disconnects.push(1));
  return { adapter, socket, calls, disconnects };
}

describe('routeFrame', () => {
  it('answers bad frames with error frames and routes the rest', () => {
    expect(routeFrame(text('x'), true, NAMES)).toMatchObject({ kind: 'error', frame: { event: 'error', data: { code: 'invalid_frame' } } });
    expect(routeFrame(text('{nope'), false, NAMES)).toMatchObject({ kind: 'error', frame: { data: { code: 'invalid_frame', message: expect.stringContaining('not valid JSON') } } });
    for (const frame of ['[1]', '3', 'null', '{"data":{}}', '{"event":1}']) {
      expect(routeFrame(text(frame), false, NAMES)).toMatchObject({ kind: 'error', frame: { data: { code: 'invalid_frame', message: expect.stringContaining('JSON object') } } });
    }
    expect(routeFrame(text({ event: 'nope', data: { ref: 'r1' } }), false, NAMES)).toMatchObject({
      kind: 'error',
      frame: { event: 'error', data: { code: 'unknown_event', ref: 'r1' } },
    });
    const long = routeFrame(text({ event: 'nope', data: { ref: 'x'.repeat(65) } }), false, NAMES);
    expect(long.kind === 'error' && long.frame.data).not.toHaveProperty('ref');
    expect(routeFrame(text({ event: 'publish', data: { topic: 't' } }), false, NAMES)).toEqual({ kind: 'handler', index: 2, event: 'publish', data: { topic: 't' } });
    expect(routeFrame([Buffer.from('{"event":"pi'), Buffer.from('ng"}')], false, NAMES)).toEqual({ kind: 'handler', index: 3, event: 'ping', data: undefined });
  });
});

describe('HeraldWsAdapter message dispatch (one listener per socket)', () => {
  it('calls the named handler with (data, event) and answers bad frames on the socket', async () => {
    const { socket, calls } = setup();
    socket.emit('message', text({ event: 'subscribe', data: { topics: ['a'] } }), false);
    socket.emit('message', text('not json'), false);
    socket.emit('message', text({ event: 'subscribe' }), true);
    await flush();
    expect(calls).toEqual([['subscribe', { topics: ['a'] }]]);
    expect(socket.sent).toEqual([
      { event: 'error', data: { code: 'invalid_frame', message: expect.stringContaining('not valid JSON') } },
      { event: 'error', data: { code: 'invalid_frame', message: expect.stringContaining('binary') } },
    ]);
  });

  it("sends a handler's non-nil result (value, promise or observable), as Nest's adapter does", async () => {
    const live = new Subject<unknown>();
    const { socket } = setup({
      ping: () => Promise.resolve({ event: 'pong', data: 1 }),
      publish: () => of({ event: 'ack', data: 2 }, null),
      subscribe: () => live,
      unsubscribe: () => undefined,
    });
    socket.emit('message', text({ event: 'ping' }), false);
    socket.emit('message', text({ event: 'publish' }), false);
    socket.emit('message', text({ event: 'unsubscribe' }), false);
    socket.emit('message', text({ event: 'subscribe' }), false);
    await flush();
    live.next({ event: 'x', data: 3 });
    expect(socket.sent).toEqual([
      { event: 'pong', data: 1 },
      { event: 'ack', data: 2 },
      { event: 'x', data: 3 },
    ]);
    expect(live.observed).toBe(true);
    socket.readyState = 3;
    socket.emit('close', 1000, Buffer.alloc(0));
    expect(live.observed).toBe(false);
  });

  it('keeps serving frames after a handler throws or its result fails (the failure is logged)', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { socket, calls } = setup({
      ping: () => {
        throw new Error('boom');
      },
      publish: () => Promise.reject(new Error('bad')),
      unsubscribe: () => new Observable((subscriber) => subscriber.error(new Error('worse'))),
      subscribe: (data) => {
        if (data !== 'circular') return undefined;
        const circular: Record<string, unknown> = {};
        circular['self'] = circular;
        return Promise.resolve(circular);
      },
    });
    socket.emit('message', text({ event: 'ping' }), false);
    socket.emit('message', text({ event: 'publish' }), false);
    socket.emit('message', text({ event: 'unsubscribe' }), false);
    socket.emit('message', text({ event: 'subscribe', data: 'circular' }), false);
    await flush();
    socket.emit('message', text({ event: 'subscribe', data: 1 }), false);
    await flush();
    expect(calls.map(([event]) => event)).toEqual(['ping', 'publish', 'unsubscribe', 'subscribe', 'subscribe']);
    expect(socket.sent).toEqual([]);
    expect(logged).toHaveBeenCalledTimes(3);
    logged.mockRestore();
  });

  it('at close removes its listeners, then runs the disconnect hook once', () => {
    const { socket, calls, disconnects } = setup();
    expect(socket.listenerCount('message')).toBe(1);
    expect(socket.listenerCount('close')).toBe(1);
    socket.readyState = 3;
    socket.emit('close', 1000, Buffer.alloc(0));
    socket.emit('close', 1000, Buffer.alloc(0));
    expect(disconnects).toEqual([1]);
    expect(socket.listenerCount('message')).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
    socket.emit('message', text({ event: 'ping' }), false);
    expect(calls).toEqual([]);
  });

  it('sends nothing once the socket is no longer open', async () => {
    const { socket } = setup({ ping: () => Promise.resolve({ event: 'pong' }) });
    socket.emit('message', text({ event: 'ping' }), false);
    socket.readyState = 2;
    socket.emit('message', text('x'), false);
    await flush();
    expect(socket.sent).toEqual([]);
  });

  it('binds a disconnect hook as its own listener for a socket it does not route', () => {
    const adapter = new HeraldWsAdapter(undefined as unknown as INestApplicationContext, 1024);
    const socket = new FakeSocket();
    let disconnected = 0;
    adapter.bindClientDisconnect(socket as unknown as WebSocket, () => disconnected++);
    socket.emit('close', 1000, Buffer.alloc(0));
    expect(disconnected).toBe(1);
  });
});
