import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { TransportKind } from '@herald/contracts';
import { EventBus, StoredEvent } from '@herald/event-bus';
import { SubscriberRegistry } from '../subscriber-registry';
import { DeliveryLatency } from './delivery-latency';

/**
 * Prometheus metrics for one Herald instance, on a registry of its own (so
 * several apps in one process never collide). Hot-path calls are O(1): label
 * children are bound once, latency is observed once per batch (its first
 * event), never per subscriber per event, and counted in plain numbers that
 * prom-client reads at scrape time (no label hashing per delivery).
 */
@Injectable()
export class TransportMetrics {
  readonly registry = new Registry();
  private readonly connections: Gauge<'transport'>;
  private readonly deliveredTotal: Counter<'transport'>;
  private readonly latency: DeliveryLatency;
  private readonly publishedTotal: Counter;
  private readonly rejectedTotal: Counter<'code'>;
  private readonly slowConsumers: Counter<'transport'>;
  /** Deliveries counted since the last scrape (plain numbers on the hot path; added to the counter at scrape). */
  private readonly deliveredSinceScrape: Record<TransportKind, number> = { poll: 0, longPoll: 0, sse: 0, ws: 0 };
  private readonly open: Record<TransportKind, number> = { poll: 0, longPoll: 0, sse: 0, ws: 0 };

  constructor(subscribers: SubscriberRegistry, bus: EventBus) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_' });
    const open = this.open;
    this.connections = new Gauge({
      name: 'herald_connections',
      help: 'Open connections by transport (SSE streams, WebSockets, waiting long polls)',
      labelNames: ['transport'],
      registers,
      collect() {
        for (const kind of ['longPoll', 'sse', 'ws'] as const) this.set({ transport: kind }, open[kind]);
      },
    });
    new Gauge({
      name: 'herald_subscriptions',
      help: 'Open topic subscriptions by transport (a connection on 3 topics counts 3); poll: polls in the last 15-30 s',
      labelNames: ['transport'],
      registers,
      collect() {
        for (const kind of ['poll', 'longPoll', 'sse', 'ws'] as const) this.set({ transport: kind }, subscribers.total(kind));
      },
    });
    new Gauge({
      name: 'herald_long_poll_waiters',
      help: 'Long polls waiting for events',
      registers,
      collect() {
        this.set(open.longPoll);
      },
    });
    new Gauge({
      name: 'herald_bus_lag_seconds',
      help: "Seconds between the newest live event's publish and its fan-out on this instance (0 for the in-memory bus)",
      registers,
      collect() {
        this.set(bus.lagSeconds());
      },
    });
    new Gauge({
      name: 'herald_bus_live_subscriptions',
      help: 'Live subscriptions held on the event bus (returns to 0 when every client has gone)',
      registers,
      collect() {
        this.set(bus.liveSubscriptionCount());
      },
    });
    const pending = this.deliveredSinceScrape;
    this.deliveredTotal = new Counter({
      name: 'herald_events_delivered_total',
      help: 'Events delivered, by transport (one per subscriber)',
      labelNames: ['transport'],
      registers,
      collect() {
        for (const kind of ['poll', 'longPoll', 'sse', 'ws'] as const) {
          this.inc({ transport: kind }, pending[kind]);
          pending[kind] = 0;
        }
      },
    });
    this.latency = new DeliveryLatency({
      name: 'herald_delivery_latency_seconds',
      help: 'Publish to delivery latency (server clock), sampled once per delivered batch',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.publishedTotal = new Counter({ name: 'herald_events_published_total', help: 'Events accepted for publishing', registers });
    this.rejectedTotal = new Counter({ name: 'herald_rejected_total', help: 'Requests and frames refused, by error code', labelNames: ['code'], registers });
    this.slowConsumers = new Counter({ name: 'herald_slow_consumer_disconnects_total', help: 'Connections dropped for not reading', labelNames: ['transport'], registers });
  }

  /** Counts a batch handed to one subscriber. */
  deliveredBatch(kind: TransportKind, events: readonly StoredEvent[], now = Date.now()): void {
    if (events.length === 0) return;
    this.deliveredSinceScrape[kind] += events.length;
    this.latency.record(kind, Math.max(0, now - events[0].envelope.ts) / 1000);
  }

  /** Counts an open connection; the returned function (idempotent) counts it closed. */
  connectionOpened(kind: Exclude<TransportKind, 'poll'>): () => void {
    this.open[kind]++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.open[kind]--;
    };
  }

  published(): void {
    this.publishedTotal.inc();
  }

  rejected(code: string): void {
    this.rejectedTotal.inc({ code });
  }

  slowConsumer(kind: TransportKind): void {
    this.slowConsumers.inc({ transport: kind });
  }

  openConnections(kind: Exclude<TransportKind, 'poll'>): number {
    return this.open[kind];
  }
}
