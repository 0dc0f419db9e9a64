import { EMPTY, from, Observable, ObservableInput, Subscription } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { Batch } from '@herald/event-bus';

export interface WaitForBatchOptions {
  /** Hot signal of new events on the subscribed topics (subscribed before the first read). */
  wake$: Observable<unknown>;
  /** Reads the events after the request's cursor. */
  read: () => ObservableInput<Batch>;
  timeoutMs: number;
  scheduler: SchedulerLike;
  /** Emits when the client has gone. */
  abort$: Observable<unknown>;
  /** Emits when the server wants the wait to end now (shutdown): answers `null` like a timeout. */
  release$?: Observable<unknown>;
}

/**
 * The long-poll wait: the first batch with events (or a reset) — read at once,
 * then again after every wake-up — or `null` at the timeout, or completes empty
 * when the client aborts. Unsubscribing from `wake$` (the bus) happens on every
 * one of those paths, so an aborted request leaves no waiter behind.
 *
 * Reads never overlap: wake-ups during a read are folded into one more read after
 * it (which sees everything they announced). It is one subscriber with a handful of
 * subscriptions rather than an operator chain, because a long poll is set up and
 * torn down for every answer and that cost decides long-polling throughput.
 */
export function waitForBatch(options: WaitForBatchOptions): Observable<Batch | null> {
  return new Observable<Batch | null>((subscriber) => {
    const subscriptions = new Subscription();
    let done = false;
    let reading = false;
    let readAgain = false;
    let waiting = false;
    const fail = (error: unknown): void => {
      done = true;
      subscriptions.unsubscribe();
      subscriber.error(error);
    };
    const answer = (batch: Batch | null): void => {
      if (done) return;
      done = true;
      subscriptions.unsubscribe();
      subscriber.next(batch);
      subscriber.complete();
    };
    // The wait (and so the timeout) starts once the first read has answered: events
    // that already exist are always returned, even with `timeout=0` on a slow bus.
    const startWaiting = (): void => {
      waiting = true;
      subscriptions.add(options.scheduler.schedule(() => answer(null), options.timeoutMs));
    };
    const read = (): void => {
      if (reading) {
        readAgain = true;
        return;
      }
      reading = true;
      subscriptions.add(
        from(options.read()).subscribe({
          next: (batch) => {
            if (batch.events.length > 0 || batch.reset) answer(batch);
          },
          error: fail,
          complete: () => {
            reading = false;
            if (done) return;
            if (!waiting) startWaiting();
            if (readAgain && !done) {
              readAgain = false;
              read();
            }
          },
        }),
      );
    };
    subscriptions.add(options.abort$.subscribe(() => {
      done = true;
      subscriptions.unsubscribe();
      subscriber.complete();
    }));
    // wake$ first: the live subscription exists before the first read, so an event
    // appended between the read and the wait still wakes us.
    if (!done) {
      subscriptions.add(
        options.wake$.subscribe({
          next: () => read(),
          // The bus failed (a closed bus, a Redis log recreated): the wait fails with it.
          error: fail,
        }),
      );
    }
    if (!done) subscriptions.add((options.release$ ?? EMPTY).subscribe(() => answer(null)));
    if (!done) read();
    return subscriptions;
  });
}
