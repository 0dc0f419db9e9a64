import type { Delivery } from '@herald/contracts';
import type { ConnectionState } from '../connection-state';
import { HeraldError } from '../herald-error';
import { StatsRecorder } from '../stats/transport-stats';
import { resolveOptions, TransportOptions } from '../transport-options';
import { ManualTimers } from '../../testing/manual-timers';
import type { LinkHandlers } from './link';
import { resumableStream } from './resumable-stream';

interface FakeLink {
  since: string | undefined;
  handlers: LinkHandlers;
  closed: boolean;
}

function setup(overrides: Partial<TransportOptions> = {}, since?: string) {
  const timers = new ManualTimers();
  const options = resolveOptions({ baseUrl: 'http://herald.test', fetch: () => Promise.reject(new Error('unused')), timers, random: () => 0.5, backoff: { initialMs: 100, maxMs: 1_000 }, ...overrides });
  const links: FakeLink[] = [];
  const states: ConnectionState[] = [];
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const stats = new StatsRecorder('poll', () => timers.now());
  const stream = resumableStream({
    name: 'poll',
    since,
    options,
    stats,
    setState: (state) => states.push(state),
    open: (linkSince, handlers) => {
      const link: FakeLink = { since: linkSince, handlers, closed: false };
      links.push(link);
      return { close: () => (link.closed = true) };
    },
  });
  const subscription = stream.subscribe({ next: (d) => deliveries.push(d), error: (e) => errors.push(e) });
  const last = () => links[links.length - 1];
  return { timers, links, states, deliveries, errors, stats, subscription, last };
}

const envelope = (id: string) => ({ id, topic: 't', type: 'message', data: id, ts: 1_700_000_000_000 });
const lost = new HeraldError(0, 'network_error', 'connection reset');

describe('resumableStream', () => {
  it('reconnects with backoff and resumes from the last cursor delivered', async () => {
    const { timers, links, states, deliveries, last, stats } = setup();
    expect(states).toEqual([{ status: 'connecting' }]);
    expect(last().since).toBeUndefined();
    last().handlers.open();
    last().handlers.delivery({ events: [], cursor: 'c0' });
    last().handlers.delivery({ events: [envelope('1')], cursor: 'c1' });
    last().handlers.fail(lost);
    expect(links[0].closed).toBe(true);
    expect(states.at(-1)).toEqual({ status: 'reconnecting', attempt: 1, delayMs: 50, reason: 'connection reset' });
    expect(timers.pendingDelays()).toEqual([50]);
    await timers.advance(49);
    expect(links).toHaveLength(1);
    await timers.advance(1);
    expect(links).toHaveLength(2);
    expect(last().since).toBe('c1');
    // A second failure before opening doubles the window; opening resets it.
    last().handlers.fail(lost);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 2, delayMs: 100 });
    await timers.advance(100);
    last().handlers.open();
    last().handlers.delivery({ events: [envelope('2')], cursor: 'c2' });
    last().handlers.fail(lost);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 50 });
    expect(deliveries).toEqual([
      { events: [], cursor: 'c0' },
      { events: [envelope('1')], cursor: 'c1' },
      { events: [envelope('2')], cursor: 'c2' },
    ]);
    expect(stats.snapshot()).toMatchObject({ reconnects: 3, eventsReceived: 2 });
  });

  it('emits a cursor-only delivery once, and never for an unchanged cursor', () => {
    const { deliveries, last } = setup({}, 'c5');
    last().handlers.open();
    last().handlers.delivery({ events: [], cursor: 'c5' });
    last().handlers.delivery({ events: [], cursor: 'c6' });
    last().handlers.delivery({ events: [], cursor: 'c6' });
    expect(deliveries).toEqual([{ events: [], cursor: 'c6' }]);
  });

  it('passes reset through', () => {
    const { deliveries, last } = setup({}, 'c5');
    last().handlers.delivery({ events: [envelope('1')], cursor: 'c7', reset: true });
    expect(deliveries).toEqual([{ events: [envelope('1')], cursor: 'c7', reset: true }]);
  });

  it('restarts from now on invalid_cursor and flags the next delivery as a reset', async () => {
    const { timers, deliveries, last, links, errors } = setup({}, 'garbage');
    last().handlers.fail(new HeraldError(400, 'invalid_cursor', 'not a cursor'));
    await timers.advance(0);
    expect(links).toHaveLength(2);
    expect(last().since).toBeUndefined();
    last().handlers.open();
    last().handlers.delivery({ events: [], cursor: 'now' });
    last().handlers.delivery({ events: [envelope('1')], cursor: 'c1' });
    expect(deliveries).toEqual([
      { events: [], cursor: 'now', reset: true },
      { events: [envelope('1')], cursor: 'c1' },
    ]);
    expect(errors).toEqual([]);
  });

  it('ends with the typed error on a 4xx that will not change', () => {
    const { errors, states, last, timers } = setup();
    last().handlers.open();
    const error = new HeraldError(409, 'too_many_topics', 'too many');
    last().handlers.fail(error);
    expect(errors).toEqual([error]);
    expect(states.at(-1)).toEqual({ status: 'closed', reason: error.message, error });
    expect(timers.pending).toBe(0);
  });

  it('reports an endpoint that is missing before the first open as unavailable', () => {
    const { errors, last } = setup();
    last().handlers.fail(new HeraldError(404, 'not_found', 'no route'));
    expect(errors[0]).toMatchObject({ code: 'unavailable', status: 404 });
  });

  it('gives up as unavailable after connectAttempts failures before any open', async () => {
    const { errors, last, timers, links } = setup({ connectAttempts: 2 });
    last().handlers.fail(lost);
    await timers.advance(1_000);
    expect(links).toHaveLength(2);
    last().handlers.fail(lost);
    expect(errors[0]).toMatchObject({ code: 'unavailable', detail: 'poll: could not connect in 2 attempt(s): connection reset' });
    expect(timers.pending).toBe(0);
  });

  it('keeps retrying after an open however many attempts fail', async () => {
    const { errors, last, timers, links } = setup({ connectAttempts: 1 });
    last().handlers.open();
    for (let i = 0; i < 5; i++) {
      last().handlers.fail(lost);
      await timers.advance(1_000);
    }
    expect(links).toHaveLength(6);
    expect(errors).toEqual([]);
  });

  it('reports EventSource-style self-healing as reconnecting without a new link', () => {
    const { states, last, links } = setup();
    last().handlers.open();
    last().handlers.retrying('lost; resuming');
    expect(states.at(-1)).toEqual({ status: 'reconnecting', attempt: 1, delayMs: 0, reason: 'lost; resuming' });
    last().handlers.open();
    expect(states.at(-1)).toEqual({ status: 'open' });
    expect(links).toHaveLength(1);
  });

  it('unsubscribing closes the link, cancels a pending reconnect and ignores late callbacks', () => {
    const { subscription, last, timers, states, deliveries, links } = setup();
    last().handlers.fail(lost);
    expect(timers.pending).toBe(1);
    subscription.unsubscribe();
    expect(timers.pending).toBe(0);
    expect(states.at(-1)).toEqual({ status: 'closed', reason: 'unsubscribed' });
    links[0].handlers.delivery({ events: [envelope('9')], cursor: 'late' });
    expect(deliveries).toEqual([]);
  });

  it('ignores callbacks from a link it already replaced', async () => {
    const { last, links, timers, deliveries } = setup();
    last().handlers.fail(lost);
    await timers.advance(1_000);
    links[0].handlers.delivery({ events: [envelope('stale')], cursor: 'stale' });
    links[0].handlers.fail(lost);
    expect(deliveries).toEqual([]);
    expect(links[1].closed).toBe(false);
  });
});
