import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { LogReader, MemoryEventBus } from '@herald/event-bus';
import { Principal } from '@herald/security';
import { SubscriberRegistry } from '../subscriber-registry';
import { WsSession } from './ws-session';

/** The parts of a `ws` WebSocket a session uses. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly frames: Array<{ event: string; data: { events: Array<{ topic: string; data: unknown }>; cursor: string } }> = [];
  send(frame: string | Buffer): void {
    this.frames.push(JSON.parse(frame.toString()));
  }
  close(): void {
    this.readyState = 3;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function setup() {
  const bus = new MemoryEventBus();
  const reader = new LogReader(bus);
  const registry = new SubscriberRegistry();
  const socket = new FakeSocket();
  const session = new WsSession(socket as unknown as WebSocket, { reader, registry, maxBufferedBytes: 1 << 20 }, Principal.anonymousFullAccess(), 'ip:test');
  const subscribe = async (topics: string[]) => session.subscribe(topics, await reader.start(topics, { kind: 'now' }));
  const delivered = () => socket.frames.flatMap((frame) => frame.data.events.map((event) => `${event.topic}:${String(event.data)}`));
  return { bus, reader, registry, socket, session, subscribe, delivered };
}

describe('WsSession', () => {
  it('counts a topic once in the registry however often it is subscribed, and releases everything on dispose', async () => {
    const { bus, registry, session, subscribe } = setup();
    await subscribe(['a']);
    await subscribe(['a', 'b']);
    await subscribe(['a']);
    expect(session.topics).toEqual(['a', 'b']);
    expect(registry.countsFor('a').ws).toBe(1);
    expect(registry.countsFor('b').ws).toBe(1);
    session.dispose();
    expect(session.topics).toEqual([]);
    expect(registry.total('ws')).toBe(0);
    expect(bus.liveSubscriptionCount()).toBe(0);
  });

  it('keeps the rest of a group flowing, without loss or repeats, when one of its topics is unsubscribed', async () => {
    const { bus, reader, session, subscribe, delivered, registry } = setup();
    await subscribe(['a', 'b']);
    await bus.publish('a', { type: 'n', data: 1 });
    await bus.publish('b', { type: 'n', data: 1 });
    await settle();
    session.unsubscribe(['a']);
    await bus.publish('a', { type: 'n', data: 2 });
    await bus.publish('b', { type: 'n', data: 2 });
    await settle();
    expect(delivered()).toEqual(['a:1', 'b:1', 'b:2']);
    expect(session.topics).toEqual(['b']);
    expect(registry.countsFor('a').ws).toBe(0);
    expect(registry.countsFor('b').ws).toBe(1);
    expect(reader.parseSince(session.cursor())).toEqual({ kind: 'cursor', cursor: expect.objectContaining({ positions: new Map([['b', 2]]) }) });
    session.dispose();
    expect(bus.liveSubscriptionCount()).toBe(0);
  });

  it('sends nothing after dispose', async () => {
    const { bus, session, subscribe, delivered } = setup();
    await subscribe(['a']);
    session.dispose();
    await bus.publish('a', { type: 'n', data: 1 });
    await settle();
    session.send('{"event":"heartbeat","data":{}}');
    expect(delivered()).toEqual([]);
  });
});
