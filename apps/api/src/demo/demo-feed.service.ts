import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { interval, Subscription } from 'rxjs';
import { PublisherService, RX_SCHEDULER, RxScheduler } from '@herald/transports';

export const DEMO_INTERVAL_MS = Symbol('DEMO_INTERVAL_MS');

const SYMBOLS: Record<string, number> = { ACME: 120, GLOBX: 48.5, INITECH: 12.25, HOOLI: 310 };
const PEOPLE = ['ada', 'grace', 'linus', 'margaret'];
const LINES = [
  'deploy is green',
  'anyone seen the latency graph?',
  'SSE panel reconnected in 3 s',
  'long poll just woke up',
  'WS is the fastest again',
  'lunch?',
];

/**
 * The demo publisher: a simulated stock ticker on `ticker` (one `price` event
 * per symbol per tick) and chatter on `chat` (a `message` every few ticks), so
 * a newcomer sees live data at once. Off unless HERALD_DEMO=on.
 */
@Injectable()
export class DemoFeedService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DemoFeed');
  private readonly prices = new Map(Object.entries(SYMBOLS));
  private subscription: Subscription | undefined;
  private tick = 0;

  constructor(
    private readonly publisher: PublisherService,
    @Inject(DEMO_INTERVAL_MS) private readonly intervalMs: number,
    @Inject(RX_SCHEDULER) private readonly scheduler: RxScheduler,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(`publishing demo events to "ticker" and "chat" every ${this.intervalMs} ms`);
    this.subscription = interval(this.intervalMs, this.scheduler).subscribe(() => void this.publishTick());
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async publishTick(): Promise<void> {
    this.tick++;
    try {
      for (const [symbol, price] of this.prices) {
        const next = Math.max(0.01, Math.round(price * (1 + (Math.random() - 0.5) * 0.01) * 100) / 100);
        this.prices.set(symbol, next);
        await this.publisher.publish('ticker', 'price', { symbol, price: next, change: Math.round((next - price) * 100) / 100 });
      }
      if (this.tick % 3 === 0) {
        const from = PEOPLE[this.tick % PEOPLE.length];
        const text = LINES[Math.floor(Math.random() * LINES.length)];
        await this.publisher.publish('chat', 'message', { from, text });
      }
    } catch (error) {
      this.logger.warn(`demo publish failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
