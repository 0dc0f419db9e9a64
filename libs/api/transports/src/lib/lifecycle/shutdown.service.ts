import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Observable, Subscriber } from 'rxjs';
import { ErrorCode } from '@herald/contracts';
import { ProblemException } from '../http/problem.exception';
import { SubscriberRegistry } from '../subscriber-registry';
import { TransportOptions } from '../transport-options';

/**
 * Graceful shutdown for the HTTP transports: when the app begins to stop,
 * `shuttingDown$` fires (and replays to late subscribers), SSE streams end
 * (EventSource reconnects after its `retry` delay, elsewhere, from its last id)
 * and waiting long polls answer at once with an empty delivery and their
 * cursor. Shutdown then waits, at most `shutdownDrainMs`, for those answers to
 * go out before connections are closed.
 */
@Injectable()
export class ShutdownService implements BeforeApplicationShutdown {
  /** Who waits for shutdown: a Set, because every waiting long poll joins and leaves it. */
  private readonly watchers = new Set<Subscriber<true>>();
  private stopping = false;
  /** Emits once when shutdown begins; a subscriber that comes later gets it at once. */
  readonly shuttingDown$: Observable<true> = new Observable<true>((subscriber) => {
    if (this.stopping) {
      subscriber.next(true);
      return undefined;
    }
    this.watchers.add(subscriber);
    return () => {
      this.watchers.delete(subscriber);
    };
  });

  constructor(
    private readonly registry: SubscriberRegistry,
    private readonly options: TransportOptions,
  ) {}

  get isShuttingDown(): boolean {
    return this.stopping;
  }

  /** New streams and waits are refused once shutdown began: 503 `shutting_down`, retry elsewhere. */
  assertAccepting(): void {
    if (this.stopping) {
      throw new ProblemException(503, ErrorCode.ShuttingDown, 'this server is shutting down: retry (another instance) with your cursor');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const watcher of [...this.watchers]) watcher.next(true);
    const deadline = Date.now() + this.options.shutdownDrainMs;
    while (this.registry.total('sse') + this.registry.total('longPoll') > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Let the last answers reach their sockets before they are closed.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
