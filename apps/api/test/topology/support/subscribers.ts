import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import type { Subscription } from 'rxjs';
import type { Delivery } from '@herald/contracts';
import { createRealtimeClient, type ConnectionState, type RealtimeTransport, type TransportName } from '@herald/client';
import { sleep, waitFor } from './processes';

/** SDK settings for the topology: Node's `ws` and `eventsource`, timers short enough for test time. */
export function sdk(baseUrl: string, transport: TransportName): RealtimeTransport {
  return createRealtimeClient({
    baseUrl,
    transport,
    WebSocket,
    EventSource,
    backoff: { initialMs: 50, maxMs: 300 },
    heartbeatTimeoutMs: 2_000,
    pollIntervalMs: 50,
    longPollTimeoutMs: 2_000,
    requestTimeoutMs: 3_000,
  });
}

export interface Counts {
  published: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

/**
 * One SDK subscription to the `feed` topic whose events carry a sequence
 * number as `data`: records what arrives and counts it against what was published.
 */
export class FeedSubscriber {
  readonly received: number[] = [];
  readonly deliveries: Delivery[] = [];
  readonly states: ConnectionState[] = [];
  readonly errors: unknown[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(
    readonly label: string,
    readonly client: RealtimeTransport,
    topics: string[],
    since?: string,
  ) {
    this.subscriptions.push(client.state$.subscribe((state) => this.states.push(state)));
    this.subscriptions.push(
      client.subscribe(topics, since === undefined ? {} : { since }).subscribe({
        next: (delivery) => {
          this.deliveries.push(delivery);
          for (const event of delivery.events) this.received.push(event.data as number);
        },
        error: (error: unknown) => this.errors.push(error),
      }),
    );
  }

  get cursor(): string | undefined {
    return this.deliveries.at(-1)?.cursor;
  }

  get resets(): number {
    return this.deliveries.filter((delivery) => delivery.reset).length;
  }

  get reconnects(): number {
    return this.client.stats.reconnects;
  }

  async untilOpen(ms = 5_000): Promise<void> {
    // A subscription is live once it has its starting cursor (and, for the HTTP transports, an answer).
    await waitFor(() => this.states.at(-1)?.status === 'open' && this.cursor !== undefined, `${this.label} open`, ms, () => JSON.stringify(this.states.slice(-3)));
  }

  async untilReceived(expected: readonly number[], ms = 10_000): Promise<void> {
    const wanted = new Set(expected);
    await waitFor(
      () => [...wanted].every((n) => this.received.includes(n)),
      `${this.label} to receive ${expected.length} events`,
      ms,
      () => `${this.label}: ${JSON.stringify(this.counts(expected))}, states ${JSON.stringify(this.states.slice(-4))}`,
    );
  }

  counts(published: readonly number[]): Counts {
    const unique = new Set(this.received);
    const lost = published.filter((n) => !unique.has(n)).length;
    let outOfOrder = 0;
    for (let i = 1; i < this.received.length; i++) if (this.received[i] <= this.received[i - 1]) outOfOrder++;
    return { published: published.length, delivered: this.received.length, lost, duplicated: this.received.length - unique.size, outOfOrder };
  }

  stop(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }
}

/** POSTs one event; throws with the answer on anything but 201. */
export async function publishTo(url: string, topic: string, data: unknown): Promise<{ id: string }> {
  const res = await fetch(`${url}/api/topics/${encodeURIComponent(topic)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
    signal: AbortSignal.timeout(20_000),
  });
  if (res.status !== 201) throw new Error(`publish to ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** Publishes 1, 2, 3, … to one topic, one at a time, every `intervalMs`, until stopped. */
export class SteadyPublisher {
  readonly published: number[] = [];
  readonly failures: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly topic: string,
    private readonly intervalMs: number,
    private readonly maxEvents = 10_000,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    for (let n = 1; this.running && n <= this.maxEvents; n++) {
      try {
        await publishTo(this.url, this.topic, n);
        this.published.push(n);
      } catch (error) {
        this.failures.push(`${n}: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(this.intervalMs);
    }
  }

  async stop(): Promise<number[]> {
    this.running = false;
    await this.loop;
    return this.published;
  }
}

