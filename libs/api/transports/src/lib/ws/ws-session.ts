import type { Socket } from 'node:net';
import type { Subscription } from 'rxjs';
import type WebSocket from 'ws';
import { WsCloseCode } from '@herald/contracts';
import { Batch, LogReader, StartPoint } from '@herald/event-bus';
import type { TransportMetrics } from '../metrics/transport-metrics';
import { SubscriberRegistry } from '../subscriber-registry';
import { corkUntilNextTick } from '../tick-cork';
import { deliveryFrame, sharedDeliveryFrame } from './ws-frames';

/** `ws` send options for a frame passed as a Buffer that is JSON text. */
const TEXT = { binary: false } as const;

interface Group {
  readonly topics: Set<string>;
  readonly subscription: Subscription;
}

/**
 * One socket's subscriptions. The socket has one cursor covering every topic
 * it is subscribed to; each `subscribe` call follows its topics as a group,
 * and removing a topic from a group restarts the rest of it from where it was,
 * so nothing is lost or repeated.
 */
export class WsSession {
  /** Set false on each ping; a pong sets it back. */
  alive = true;
  private readonly positions = new Map<string, number>();
  private readonly groups = new Set<Group>();
  private readonly detachers = new Map<string, () => void>();
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    private readonly reader: LogReader,
    private readonly registry: SubscriberRegistry,
    private readonly maxBufferedBytes: number,
    /** Counts what this socket delivers and why it was dropped (metrics); O(1) per batch. */
    private readonly metrics?: TransportMetrics,
  ) {}

  get topics(): string[] {
    return [...this.positions.keys()];
  }

  has(topic: string): boolean {
    return this.positions.has(topic);
  }

  cursor(): string {
    return this.reader.encode(this.positions);
  }

  /** Subscribes `topics` from their start positions (replacing any current subscription to them). */
  subscribe(topics: readonly string[], start: StartPoint): void {
    this.remove(topics);
    for (const topic of topics) {
      this.positions.set(topic, start.positions.get(topic) ?? 0);
      this.detachers.set(topic, this.registry.attach('ws', [topic]));
    }
    this.follow(new Set(topics), { positions: new Map(start.positions), reset: start.reset });
  }

  unsubscribe(topics: readonly string[]): void {
    this.remove(topics);
    for (const topic of topics) {
      this.positions.delete(topic);
      this.detachers.get(topic)?.();
      this.detachers.delete(topic);
    }
  }

  /**
   * Sends a text frame (a string, or a Buffer holding JSON text) unless the socket is gone; a peer
   * that stopped reading is closed with 4008. Frames sent to a socket in one tick (deliveries, the
   * acks of a burst of publishes) leave in one write.
   */
  send(frame: string | Buffer): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.socket.close(WsCloseCode.SlowConsumer, 'slow consumer: resume from your last cursor');
      this.metrics?.slowConsumer('ws');
      this.dispose();
      return;
    }
    corkUntilNextTick((this.socket as unknown as { _socket?: Socket })._socket);
    this.socket.send(frame, TEXT);
  }

  /** Sends a batch from the bus, advancing the socket's cursor. */
  private deliver(batch: Batch): void {
    const events = batch.events;
    if (events.length === 1 && !batch.reset && this.positions.size === 1) {
      // The common case: one live event on a single-topic socket. Its frame is the same for
      // every such socket, so it is shared rather than built per socket.
      const event = events[0];
      if (this.positions.has(event.topic)) {
        this.positions.set(event.topic, event.position);
        this.send(sharedDeliveryFrame(event, this.reader));
        this.metrics?.deliveredBatch('ws', events);
        return;
      }
    }
    for (const [topic, position] of batch.positions) {
      if (this.positions.has(topic)) this.positions.set(topic, position);
    }
    this.send(deliveryFrame(events, this.cursor(), batch.reset));
    this.metrics?.deliveredBatch('ws', events);
  }

  /** Releases every bus subscription and registry count of this socket. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe(this.topics);
  }

  private follow(topics: Set<string>, start: StartPoint): void {
    if (topics.size === 0 || this.closed) return;
    const subscription = this.reader.follow([...topics], start).subscribe({
      next: (batch) => this.deliver(batch),
      error: () => this.socket.close(1011, 'subscription failed: reconnect and resume from your last cursor'),
    });
    this.groups.add({ topics, subscription });
  }

  /** Takes `topics` out of their groups; what remains of a group resumes from its current positions. */
  private remove(topics: readonly string[]): void {
    const leaving = new Set(topics);
    for (const group of [...this.groups]) {
      if (![...group.topics].some((topic) => leaving.has(topic))) continue;
      group.subscription.unsubscribe();
      this.groups.delete(group);
      const rest = new Set([...group.topics].filter((topic) => !leaving.has(topic)));
      const positions = new Map([...rest].map((topic) => [topic, this.positions.get(topic) ?? 0] as const));
      this.follow(rest, { positions, reset: false });
    }
  }
}
