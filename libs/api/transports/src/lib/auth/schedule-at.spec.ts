import { asyncScheduler } from 'rxjs';
import { MAX_TIMER_MS, scheduleAt } from './schedule-at';

describe('scheduleAt', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('waits a delay longer than a Node timer holds in steps, and runs once when due', () => {
    const at = MAX_TIMER_MS * 2 + 1000;
    const work = jest.fn();
    scheduleAt(asyncScheduler, at, work);
    jest.advanceTimersByTime(MAX_TIMER_MS);
    jest.advanceTimersByTime(MAX_TIMER_MS);
    expect(work).not.toHaveBeenCalled();
    jest.advanceTimersByTime(999);
    expect(work).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(work).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(MAX_TIMER_MS);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('runs at once when the time has passed, and not at all once cancelled', () => {
    const late = jest.fn();
    scheduleAt(asyncScheduler, Date.now() - 10, late);
    const cancelled = jest.fn();
    scheduleAt(asyncScheduler, Date.now() + 50, cancelled).unsubscribe();
    jest.advanceTimersByTime(100);
    expect(late).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
