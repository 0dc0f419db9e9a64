import type { Socket } from 'node:net';
import type { Subscription } from 'rxjs';
import type WebSocket from 'ws';
import { WsCloseCode } from '@herald/contracts';
import { Batch, LogReader, StartPoint } from '@herald/event-bus';
import type { Principal } from '@herald/security';
import type { TransportMetrics } from '../metrics/transport-metrics';
import { SubscriberRegistry } from '../subscriber-registry';
import { corkUntilNextTick } from '../tick-cork';
import { TopicPositions } from './topic-positions';
import { deliveryFrame, sharedDeliveryFrame } from './ws-frames';

/** `ws` send options for a frame passed as a Buffer that is JSON text. */
const TEXT = { binary: false } as const;

/** What every session of a gateway shares (one object, not four fields per session). */
export interface WsSessionContext {
  readonly reader: LogReader;
  readonly registry: SubscriberRegistry;
  /** Bytes queued for the socket beyond which it is closed as a slow consumer (4008). */
  readonly maxBufferedBytes: number;
  /** Counts what sessions deliver and why they were dropped (metrics); O(1) per batch. */
  readonly metrics?: TransportMetrics;
}

/** The topics of one `subscribe` call, followed together from the bus and counted in the registry. */
interface Group {
  readonly topics: readonly string[];
  readonly subscription: Subscription;
  /** Un-counts `topics` in the registry (idempotent). */
  readonly detach: () => void;
}

/**
 * One socket's state: who it is, its liveness, its subscriptions. The socket
 * has one cursor covering every topic it is subscribed to; each `subscribe`
 * call follows its topics as a group, and removing a topic from a group
 * restarts the rest of it from where it was, so nothing is lost or repeated.
 *
 * Memory: an idle socket is most sockets, so a session allocates its cursor and
 * group list on its first subscription (a one-topic cursor needs no `Map`, see
 * `TopicPositions`), and is itself the observer of its bus subscriptions
 * (`next`/`error`), so a group costs no closures of its own.
 */
export class WsSession {
  /** Set false on each ping; a pong sets it back. */
  alive = true;
  /** The timer that closes the socket (4001) when the credentials expire; cleared by `dispose`. */
  expiry: Subscription | undefined;
  /** Position per subscribed topic (the cursor), in subscription order; allocated on first use. */
  private positions: TopicPositions | undefined;
  private groups: Group[] | undefined;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    private readonly context: WsSessionContext,
    /** Who authenticated the upgrade. */
    readonly principal: Principal,
    /** Whose budget this socket's publishes spend (see `callerKey`). */
    readonly caller: string,
  ) {}

  get topics(): string[] {
    return this.positions ? this.positions.keys() : [];
  }

  has(topic: string): boolean {
    return this.positions?.has(topic) ?? false;
  }

  cursor(): string {
    return this.context.reader.encode(this.positions ?? []);
  }

  /**
   * Subscribes `topics` from their start positions (replacing any current subscription to them).
   * `start` is handed to the bus as is (the bus copies its positions), so it must not be modified later.
   */
  subscribe(topics: readonly string[], start: StartPoint): void {
    this.remove(topics);
    const positions = (this.positions ??= new TopicPositions());
    for (const topic of topics) positions.set(topic, start.positions.get(topic) ?? 0);
    this.follow([...new Set(topics)], start);
  }

  unsubscribe(topics: readonly string[]): void {
    this.remove(topics);
    for (const topic of topics) this.positions?.delete(topic);
  }

  /**
   * Sends a text frame (a string, or a Buffer holding JSON text) unless the socket is gone; a peer
   * that stopped reading is closed with 4008. Frames sent to a socket in one tick (deliveries, the
   * acks of a burst of publishes) leave in one write.
   */
  send(frame: string | Buffer): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.context.maxBufferedBytes) {
      this.socket.close(WsCloseCode.SlowConsumer, 'slow consumer: resume from your last cursor');
      this.context.metrics?.slowConsumer('ws');
      this.dispose();
      return;
    }
    corkUntilNextTick((this.socket as unknown as { _socket?: Socket })._socket);
    this.socket.send(frame, TEXT);
  }

  /** Observer of the bus subscriptions: sends a batch, advancing the socket's cursor. */
  next(batch: Batch): void {
    const positions = this.positions;
    if (!positions) return;
    const events = batch.events;
    if (events.length === 1 && !batch.reset && positions.size === 1) {
      // The common case: one live event on a single-topic socket. Its frame is the same for
      // every such socket, so it is shared rather than built per socket.
      const event = events[0];
      if (positions.has(event.topic)) {
        positions.set(event.topic, event.position);
        this.send(sharedDeliveryFrame(event, this.context.reader));
        this.context.metrics?.deliveredBatch('ws', events);
        return;
      }
    }
    for (const [topic, position] of batch.positions) {
      if (positions.has(topic)) positions.set(topic, position);
    }
    this.send(deliveryFrame(events, this.cursor(), batch.reset));
    this.context.metrics?.deliveredBatch('ws', events);
  }

  /** Observer of the bus subscriptions: a failed subscription closes the socket (1011). */
  error(): void {
    this.socket.close(1011, 'subscription failed: reconnect and resume from your last cursor');
  }

  /** Releases every bus subscription, registry count and timer of this socket. Idempotent. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.expiry?.unsubscribe();
    this.expiry = undefined;
    const groups = this.groups ?? [];
    this.groups = undefined;
    for (const group of groups) {
      group.subscription.unsubscribe();
      group.detach();
    }
    this.positions = undefined;
  }

  /** Follows `topics` (owned by the group from now on) from `start`, counting them in the registry. */
  private follow(topics: readonly string[], start: StartPoint): void {
    if (topics.length === 0 || this.closed) return;
    const detach = this.context.registry.attach('ws', topics);
    const subscription = this.context.reader.follow(topics, start).subscribe(this);
    const group: Group = { topics, subscription, detach };
    // A literal holds exactly one slot; `[].push` would allocate 17.
    if (this.groups) this.groups.push(group);
    else this.groups = [group];
  }

  /** Takes `topics` out of their groups; what remains of a group resumes from its current positions. */
  private remove(topics: readonly string[]): void {
    const groups = this.groups;
    if (!groups) return;
    const leaving = new Set(topics);
    for (const group of [...groups]) {
      if (!group.topics.some((topic) => leaving.has(topic))) continue;
      group.subscription.unsubscribe();
      groups.splice(groups.indexOf(group), 1);
      const rest = group.topics.filter((topic) => !leaving.has(topic));
      const positions = new Map(rest.map((topic) => [topic, this.positions?.get(topic) ?? 0] as const));
      // The rest is counted again before the group is un-counted, so its topics never drop to zero.
      this.follow(rest, { positions, reset: false });
      group.detach();
    }
  }
}
