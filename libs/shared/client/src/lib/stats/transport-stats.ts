import type { Envelope } from '@herald/contracts';
import type { TransportName } from '../realtime-transport';
import { LatencyRing } from './latency-ring';

/** Publish→receive latency over the most recent events, in ms (`undefined` before any event). */
export interface LatencySummary {
  /** Samples retained (at most the ring's capacity). */
  count: number;
  p50: number | undefined;
  p95: number | undefined;
  max: number | undefined;
}

/**
 * A snapshot of one transport's counters since it was created. Counts cover
 * every subscription the transport ran.
 */
export interface TransportStats {
  transport: TransportName;
  /** Envelopes handed to subscribers. */
  eventsReceived: number;
  /** HTTP requests started (polls, long polls, SSE connects and probes, HTTP publishes) and WebSocket handshakes. */
  requests: number;
  /** Messages received: HTTP answers, SSE messages, WebSocket frames (heartbeats included). */
  framesReceived: number;
  /** Approximate bytes received: the length of every body / message / frame text. */
  bytesReceived: number;
  /** Reconnects started after a lost or failed connection. */
  reconnects: number;
  /**
   * `receive time - envelope.ts` per event. Compares this machine's clock with
   * the server's, so skew shows up as an offset; replays after an outage are
   * included (that is the latency the subscriber saw).
   */
  latency: LatencySummary;
}

/** Mutable counters behind `RealtimeTransport.stats`. */
export class StatsRecorder {
  private eventsReceived = 0;
  private requests = 0;
  private framesReceived = 0;
  private bytesReceived = 0;
  private reconnects = 0;
  private readonly latency: LatencyRing;

  constructor(
    private readonly transport: TransportName,
    private readonly now: () => number,
    latencySamples = 256,
  ) {
    this.latency = new LatencyRing(latencySamples);
  }

  request(): void {
    this.requests++;
  }

  /** One message of `chars` characters received. */
  frame(chars: number): void {
    this.framesReceived++;
    this.bytesReceived += chars;
  }

  events(events: readonly Envelope[]): void {
    const now = this.now();
    this.eventsReceived += events.length;
    for (const event of events) this.latency.add(Math.max(0, now - event.ts));
  }

  reconnect(): void {
    this.reconnects++;
  }

  /** The latency samples retained, oldest first. */
  latencySamples(): number[] {
    return this.latency.values();
  }

  snapshot(): TransportStats {
    const samples = this.latency.values();
    return {
      transport: this.transport,
      eventsReceived: this.eventsReceived,
      requests: this.requests,
      framesReceived: this.framesReceived,
      bytesReceived: this.bytesReceived,
      reconnects: this.reconnects,
      latency: {
        count: samples.length,
        p50: this.latency.percentile(50),
        p95: this.latency.percentile(95),
        max: samples.length ? Math.max(...samples) : undefined,
      },
    };
  }
}
