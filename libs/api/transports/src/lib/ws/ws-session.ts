import type { Subscription } from 'rxjs';
import type WebSocket from 'ws';
import { WsCloseCode } from '@herald/contracts';
import { LogReader, StartPoint } from '@herald/event-bus';
import { SubscriberRegistry } from '../subscriber-registry';
import { deliveryFrame } from './ws-frames';

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

  /** Sends a text frame unless the socket is gone; a peer that stopped reading is closed with 4008. */
  send(frame: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.socket.close(WsCloseCode.SlowConsumer, 'slow consumer: resume from your last cursor');
      this.dispose();
      return;
    }
    this.socket.send(frame);
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
      next: (batch) => {
        for (const [topic, position] of batch.positions) {
          if (this.positions.has(topic)) this.positions.set(topic, position);
        }
        this.send(deliveryFrame(batch.events, this.cursor(), batch.reset));
      },
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
