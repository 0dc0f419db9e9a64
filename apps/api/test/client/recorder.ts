import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import type { Subscription } from 'rxjs';
import type { Delivery, Envelope } from '@herald/contracts';
import type { ConnectionState, RealtimeClientOptions, RealtimeTransport, SubscribeOptions } from '@herald/client';
import { publish } from '../support/clients';
import { eventually } from '../support/herald-server';

/** Client options for tests: Node's `ws` and `eventsource`, short timers, no jitter surprises. */
export function testClientOptions<O extends Partial<RealtimeClientOptions>>(baseUrl: string, overrides?: O): RealtimeClientOptions & O {
  return {
    baseUrl,
    WebSocket,
    EventSource,
    backoff: { initialMs: 50, maxMs: 300 },
    heartbeatTimeoutMs: 2_000,
    pollIntervalMs: 50,
    longPollTimeoutMs: 2_000,
    requestTimeoutMs: 2_000,
    ...(overrides as O),
  };
}

/** Records everything one subscription produces, with waits bounded in time. */
export class Recorder {
  readonly deliveries: Delivery[] = [];
  readonly states: ConnectionState[] = [];
  readonly errors: unknown[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(
    readonly transport: RealtimeTransport,
    topics: string[],
    options: SubscribeOptions = {},
  ) {
    this.subscriptions.push(transport.state$.subscribe((state) => this.states.push(state)));
    this.subscriptions.push(
      transport.subscribe(topics, options).subscribe({
        next: (delivery) => this.deliveries.push(delivery),
        error: (error: unknown) => this.errors.push(error),
      }),
    );
  }

  events(): Envelope[] {
    return this.deliveries.flatMap((delivery) => delivery.events);
  }

  /** `data` of every event received, in order. */
  data(): unknown[] {
    return this.events().map((event) => event.data);
  }

  get state(): ConnectionState | undefined {
    return this.states.at(-1);
  }

  async untilOpen(ms = 5_000): Promise<void> {
    await eventually(() => this.state?.status === 'open', `${this.transport.name} open (states: ${JSON.stringify(this.states.slice(-3))})`, ms);
  }

  async untilStatus(status: ConnectionState['status'], ms = 5_000): Promise<void> {
    await eventually(() => this.states.some((state) => state.status === status), `${this.transport.name} ${status}`, ms);
  }

  async untilError(ms = 5_000): Promise<void> {
    await eventually(() => this.errors.length > 0, `${this.transport.name} errors`, ms);
  }

  async untilEvents(count: number, ms = 5_000): Promise<void> {
    await eventually(() => this.events().length >= count, `${count} events on ${this.transport.name} (have ${JSON.stringify(this.data())})`, ms);
  }

  stop(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Publishes over HTTP, retrying network failures: right after a server
 * restart the test process's own keep-alive pool may hold a dead connection.
 */
export async function publishWithRetry(url: string, topic: string, data: unknown): Promise<Envelope> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await publish(url, topic, data);
    } catch (error) {
      if (attempt >= 5 || (error as { name?: unknown }).name !== 'TypeError') throw error;
      await sleep(20);
    }
  }
}
