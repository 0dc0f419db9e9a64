import { computed, DestroyRef, inject, signal } from '@angular/core';
import { interval, Subscription } from 'rxjs';
import type { Delivery, Envelope } from '@herald/contracts';
import type { HeraldError, RealtimeTransport, TransportName, TransportStats } from '@herald/client';
import { asHeraldError } from '../errors';
import { DASHBOARD_CLOCK } from '../clock';
import { DASHBOARD_CONFIG } from '../dashboard-config';
import { REALTIME_TRANSPORT_FACTORY } from '../transport-factory';
import { Integrity, SequenceCheck } from './sequence-check';
import { emptyStats, LatencyPoint, ReceivedEvent, ResetNotice, sameStats, TransportViewState, TransportViewStatus } from './transport-view';

type Phase = 'idle' | 'running' | 'paused' | 'failed';

/**
 * One SDK transport, wrapped for Angular: its state as read-only signals and
 * `start` / `pause` / `resume` / `stop` to drive it.
 *
 * Guarantees:
 * - `pause()` closes the connection but keeps the cursor; `resume()` subscribes
 *   again from that cursor, so nothing published meanwhile is lost or repeated.
 * - A reset (`Delivery.reset`) is surfaced as `lastReset` and starts a new
 *   generation: ids restart, so they are never compared across a reset.
 * - Nothing is deduplicated: `integrity` counts any repeat or skipped position
 *   so a broken promise shows instead of being hidden.
 * - The connection, the state subscription and the refresh timer all end when
 *   the injector that owns the service is destroyed (or on `stop()`).
 */
export abstract class TransportService<N extends TransportName = TransportName> {
  private readonly createTransport = inject(REALTIME_TRANSPORT_FACTORY);
  private readonly config = inject(DASHBOARD_CONFIG);
  private readonly clock = inject(DASHBOARD_CLOCK);

  private transport: RealtimeTransport | undefined;
  private deliveries: Subscription | undefined;
  private stateWatch: Subscription | undefined;
  private refresher: Subscription | undefined;
  private phase: Phase = 'idle';
  private check = new SequenceCheck();
  private nextKey = 1;
  private generation = 0;

  private readonly _state = signal<TransportViewState>({ status: 'idle' });
  private readonly _topics = signal<readonly string[]>([]);
  private readonly _events = signal<readonly ReceivedEvent[]>([]);
  private readonly _latency = signal<readonly LatencyPoint[]>([]);
  private readonly _cursor = signal<string | undefined>(undefined);
  private readonly _stats = signal<TransportStats | undefined>(undefined, { equal: (a, b) => a === b || (!!a && !!b && sameStats(a, b)) });
  private readonly _lastReset = signal<ResetNotice | undefined>(undefined);
  private readonly _integrity = signal<Integrity>({ gaps: 0, duplicates: 0 });
  private readonly _error = signal<HeraldError | undefined>(undefined);

  /** The connection as the panel shows it. */
  readonly state = this._state.asReadonly();
  readonly status = computed<TransportViewStatus>(() => this._state().status);
  /** The topics of the current (or last) subscription. */
  readonly topics = this._topics.asReadonly();
  /** The last `maxEvents` events, newest first. */
  readonly events = this._events.asReadonly();
  /** Publish→receive latency per event within `latencyWindowMs`, oldest first. */
  readonly latency = this._latency.asReadonly();
  /** The cursor to resume from (undefined until the first delivery). */
  readonly cursor = this._cursor.asReadonly();
  /** The SDK's counters, re-read every `statsRefreshMs` and on every delivery. */
  readonly stats = computed<TransportStats>(() => this._stats() ?? emptyStats(this.name));
  /** The most recent reset since `start` (cleared by `dismissReset`). */
  readonly lastReset = this._lastReset.asReadonly();
  readonly integrity = this._integrity.asReadonly();
  /** Why the subscription ended, when it ended on an error (the SDK gave up). */
  readonly error = this._error.asReadonly();
  readonly canPause = computed(() => {
    const status = this.status();
    return status === 'connecting' || status === 'open' || status === 'reconnecting';
  });
  readonly canResume = computed(() => this.status() === 'paused' || (this.status() === 'closed' && this._error() !== undefined));

  protected constructor(
    /** The SDK transport this service wraps. */
    readonly name: N,
    /** Human-readable name. */
    readonly label: string,
  ) {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /**
   * Subscribes to `topics` from now on a fresh transport (fresh counters),
   * replacing any earlier subscription and clearing what it received.
   */
  start(topics: readonly string[]): void {
    this.stop();
    this.transport = this.createTransport(this.name);
    this.check = new SequenceCheck();
    this.generation = 0;
    this._topics.set([...topics]);
    this._events.set([]);
    this._latency.set([]);
    this._cursor.set(undefined);
    this._lastReset.set(undefined);
    this._integrity.set(this.check.integrity);
    this._stats.set(this.transport.stats);
    const transport = this.transport;
    this.stateWatch = transport.state$.subscribe((state) => {
      if (this.phase === 'running') this._state.set(state);
    });
    this.refresher = interval(this.config.statsRefreshMs).subscribe(() => this.refresh());
    this.connect(undefined);
  }

  /** Closes the connection, keeping the cursor (and everything received) for `resume()`. */
  pause(): void {
    if (this.phase !== 'running') return;
    this.phase = 'paused';
    this.deliveries?.unsubscribe();
    this.deliveries = undefined;
    this._state.set({ status: 'paused' });
    this.refresh();
  }

  /** Subscribes again from the last cursor, after `pause()` or after the SDK gave up on an error. */
  resume(): void {
    if (this.phase !== 'paused' && this.phase !== 'failed') return;
    this.connect(this._cursor());
  }

  /** Ends the subscription and every timer; what was received stays visible. */
  stop(): void {
    this.phase = 'idle';
    this.deliveries?.unsubscribe();
    this.stateWatch?.unsubscribe();
    this.refresher?.unsubscribe();
    this.deliveries = this.stateWatch = this.refresher = undefined;
    if (this.transport) this.refresh();
    this._state.set({ status: 'idle' });
  }

  /** Publishes through this transport (over the socket with an ack for WebSocket, HTTP otherwise). */
  publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    const transport = this.transport ?? (this.transport = this.createTransport(this.name));
    return transport.publish(topic, data, type);
  }

  dismissReset(): void {
    this._lastReset.set(undefined);
  }

  private connect(since: string | undefined): void {
    const transport = this.transport;
    if (!transport) return;
    this.phase = 'running';
    this._error.set(undefined);
    this._state.set({ status: 'connecting' });
    this.deliveries = transport.subscribe(this._topics(), since === undefined ? {} : { since }).subscribe({
      next: (delivery) => this.onDelivery(delivery),
      error: (error: unknown) => {
        const failure = asHeraldError(error, `${this.label} failed`);
        this.phase = 'failed';
        this.deliveries = undefined;
        this._error.set(failure);
        this._state.set({ status: 'closed', reason: failure.message, error: failure });
        this.refresh();
      },
    });
  }

  private onDelivery(delivery: Delivery): void {
    const now = this.clock.now();
    if (delivery.reset) {
      this.generation++;
      this.check.forget();
      const count = (this._lastReset()?.count ?? 0) + 1;
      this._lastReset.set({ at: now, cursor: delivery.cursor, replayed: delivery.events.length, count });
    }
    if (delivery.events.length > 0) {
      const received: ReceivedEvent[] = delivery.events.map((envelope) => {
        this.check.observe(envelope.topic, envelope.id);
        return { key: this.nextKey++, generation: this.generation, envelope, receivedAt: now, latencyMs: Math.max(0, now - envelope.ts) };
      });
      this._integrity.set(this.check.integrity);
      const newestFirst = received.reverse();
      this._events.update((events) => [...newestFirst, ...events].slice(0, this.config.maxEvents));
      const since = now - this.config.latencyWindowMs;
      this._latency.update((points) =>
        [...points.filter((point) => point.t >= since), ...received.map((event) => ({ t: event.receivedAt, ms: event.latencyMs })).reverse()].slice(
          -this.config.maxLatencyPoints,
        ),
      );
    }
    this._cursor.set(delivery.cursor);
    this.refresh();
  }

  private refresh(): void {
    if (this.transport) this._stats.set(this.transport.stats);
  }
}
