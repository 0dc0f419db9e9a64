import { concatMap, EMPTY, filter, finalize, from, map, merge, Observable, ObservableInput, of, ReplaySubject, switchMap, take, takeUntil, timer } from 'rxjs';
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
 * then again on every wake-up — or `null` at the timeout, or completes empty
 * when the client aborts. Unsubscribing from `wake$` (the bus) happens on every
 * one of those paths, so an aborted request leaves no waiter behind.
 */
export function waitForBatch(options: WaitForBatchOptions): Observable<Batch | null> {
  // wake$ first: the live subscription exists before the first read, so an event
  // appended between the read and the wait still wakes us.
  // The wait (and so the timeout) starts once the first read has answered: events
  // that already exist are always returned, even with `timeout=0` on a slow bus.
  const firstRead = new ReplaySubject<true>(1);
  const found$ = merge(options.wake$, of(null)).pipe(
    concatMap(() => from(options.read()).pipe(finalize(() => firstRead.next(true)))),
    filter((batch) => batch.events.length > 0 || batch.reset),
  );
  const expired$ = firstRead.pipe(
    take(1),
    switchMap(() => timer(options.timeoutMs, options.scheduler)),
    map((): null => null),
  );
  const released$ = (options.release$ ?? EMPTY).pipe(map((): null => null));
  return merge(found$, expired$, released$).pipe(take(1), takeUntil(options.abort$));
}
