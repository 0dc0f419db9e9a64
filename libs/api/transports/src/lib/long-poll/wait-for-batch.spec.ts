import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Batch } from '@herald/event-bus';
import { waitForBatch } from './wait-for-batch';

const empty: Batch = { events: [], positions: new Map(), reset: false };
const full: Batch = {
  events: [{ topic: 't', position: 1, envelope: { id: '1', topic: 't', type: 'x', data: 1, ts: 0 }, json: '{}' }],
  positions: new Map([['t', 1]]),
  reset: false,
};

describe('waitForBatch (virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('answers at once when the first read has events', () => {
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const wake = hot<unknown>('------');
      const result = waitForBatch({ wake$: wake, read: () => cold('(r|)', { r: full }), timeoutMs: 25_000, scheduler, abort$: hot('') });
      expectObservable(result).toBe('(b|)', { b: full });
      expectSubscriptions(wake.subscriptions).toBe('(^!)');
    });
  });

  it('waits, then answers on the first wake-up whose read has events', () => {
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const wake = hot<unknown>('--w----w', { w: 1 });
      let reads = 0;
      const result = waitForBatch({
        wake$: wake,
        read: () => cold('(r|)', { r: ++reads >= 3 ? full : empty }),
        timeoutMs: 25_000,
        scheduler,
        abort$: hot(''),
      });
      expectObservable(result).toBe('-------(b|)', { b: full });
      expectSubscriptions(wake.subscriptions).toBe('^------!');
    });
  });

  it('answers null at exactly the timeout and releases the bus subscription', () => {
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const wake = hot<unknown>('');
      const result = waitForBatch({ wake$: wake, read: () => cold('(r|)', { r: empty }), timeoutMs: 25_000, scheduler, abort$: hot('') });
      expectObservable(result).toBe('25000ms (n|)', { n: null });
      expectSubscriptions(wake.subscriptions).toBe('^ 24999ms !');
    });
  });

  it('completes without an answer when the client aborts, releasing the bus subscription', () => {
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const wake = hot<unknown>('');
      const abort = hot('---a');
      const result = waitForBatch({ wake$: wake, read: () => cold('(r|)', { r: empty }), timeoutMs: 25_000, scheduler, abort$: abort });
      expectObservable(result).toBe('---|');
      expectSubscriptions(wake.subscriptions).toBe('^--!');
    });
  });

  it('starts the timeout only after the first read answered, so existing events win even with timeout 0', () => {
    scheduler.run(({ cold, hot, expectObservable }) => {
      const result = waitForBatch({ wake$: hot(''), read: () => cold('---(r|)', { r: full }), timeoutMs: 0, scheduler, abort$: hot('') });
      expectObservable(result).toBe('---(b|)', { b: full });
    });
  });

  it('answers a reset even without events', () => {
    const wake = new Subject<unknown>();
    const seen: (Batch | null)[] = [];
    waitForBatch({ wake$: wake, read: () => [{ ...empty, reset: true }], timeoutMs: 1000, scheduler, abort$: new Subject() }).subscribe((b) => seen.push(b));
    expect(seen).toEqual([{ ...empty, reset: true }]);
    expect(wake.observed).toBe(false);
  });

  it('folds wake-ups that arrive during a read into one more read after it', () => {
    let reads = 0;
    scheduler.run(({ cold, hot, expectObservable }) => {
      const result = waitForBatch({
        wake$: hot<unknown>('-ww', { w: 1 }),
        // The first read takes frames 0-3; both wake-ups come during it, so one more read follows.
        read: () => {
          reads++;
          return cold('---(r|)', { r: empty });
        },
        timeoutMs: 25_000,
        scheduler,
        abort$: hot('-------------a'),
      });
      expectObservable(result).toBe('-------------|');
    });
    expect(reads).toBe(2);
  });

  it('answers null when released (shutdown) and fails when a read fails', () => {
    scheduler.run(({ cold, hot, expectObservable }) => {
      const released = waitForBatch({ wake$: hot(''), read: () => cold('(r|)', { r: empty }), timeoutMs: 25_000, scheduler, abort$: hot(''), release$: hot('--x') });
      expectObservable(released).toBe('--(n|)', { n: null });
      const failed = waitForBatch({ wake$: hot(''), read: () => cold('-#', undefined, new Error('bus down')), timeoutMs: 25_000, scheduler, abort$: hot('') });
      expectObservable(failed).toBe('-#', undefined, new Error('bus down'));
    });
  });

  it('fails, releasing everything, when the bus fails while it waits', () => {
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const wake = hot<unknown>('---#', undefined, new Error('bus closed'));
      const abort = hot('');
      const result = waitForBatch({ wake$: wake, read: () => cold('(r|)', { r: empty }), timeoutMs: 25_000, scheduler, abort$: abort });
      expectObservable(result).toBe('---#', undefined, new Error('bus closed'));
      expectSubscriptions(abort.subscriptions).toBe('^--!');
    });
  });
});
