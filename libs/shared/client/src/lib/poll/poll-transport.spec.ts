import type { Delivery } from '@herald/contracts';
import type { ConnectionState } from '../connection-state';
import { FakeFetch, problem } from '../../testing/fake-fetch';
import { ManualTimers } from '../../testing/manual-timers';
import { LongPollTransport } from '../long-poll/long-poll-transport';
import { PollTransport } from './poll-transport';

const envelope = (id: string) => ({ id, topic: 'news', type: 'message', data: id, ts: 1_700_000_000_000 });

function setup() {
  const timers = new ManualTimers();
  const http = new FakeFetch();
  const options = { baseUrl: 'http://herald.test/', fetch: http.fetch, timers, random: () => 0.5, pollIntervalMs: 1_000, backoff: { initialMs: 200, maxMs: 2_000 } };
  return { timers, http, options };
}

function record(transport: PollTransport | LongPollTransport, topics: string[], since?: string) {
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const states: ConnectionState[] = [];
  const stateSub = transport.state$.subscribe((state) => states.push(state));
  const subscription = transport.subscribe(topics, since === undefined ? {} : { since }).subscribe({ next: (d) => deliveries.push(d), error: (e) => errors.push(e) });
  return { deliveries, errors, states, subscription, stop: () => (subscription.unsubscribe(), stateSub.unsubscribe()) };
}

describe('PollTransport', () => {
  it('polls on an interval with If-None-Match, treating 304 as "nothing new"', async () => {
    const { timers, http, options } = setup();
    const transport = new PollTransport(options);
    const run = record(transport, ['news', 'chat']);
    await timers.advance(0);
    const first = http.next();
    expect(first.path).toBe('/api/poll');
    expect(first.query('topics')).toBe('news,chat');
    expect(first.query('since')).toBeNull();
    expect(first.headers['if-none-match']).toBeUndefined();
    first.respond(200, { events: [], cursor: 'c0' });
    await timers.advance(0);
    expect(run.states.at(-1)).toEqual({ status: 'open' });
    expect(run.deliveries).toEqual([{ events: [], cursor: 'c0' }]);

    await timers.advance(999);
    expect(http.open()).toHaveLength(0);
    await timers.advance(1);
    const second = http.next();
    expect(second.query('since')).toBe('c0');
    expect(second.headers['if-none-match']).toBe('"c0"');
    second.respond(304);
    await timers.advance(1_000);
    const third = http.next();
    third.respond(200, { events: [envelope('1')], cursor: 'c1' });
    await timers.advance(0);
    expect(run.deliveries.at(-1)).toEqual({ events: [envelope('1')], cursor: 'c1' });
    expect(transport.stats).toMatchObject({ transport: 'poll', requests: 3, eventsReceived: 1, reconnects: 0 });
    run.stop();
    expect(timers.pending).toBe(0);
  });

  it('polls again at once after a full page', async () => {
    const { timers, http, options } = setup();
    const transport = new PollTransport({ ...options, limit: 2 });
    const run = record(transport, ['news'], 'c0');
    await timers.advance(0);
    expect(http.next().query('limit')).toBe('2');
    http.next().respond(200, { events: [envelope('1'), envelope('2')], cursor: 'c2' });
    await timers.advance(0);
    expect(http.next().query('since')).toBe('c2');
    run.stop();
  });

  it('backs off on 503 and network errors, then resumes from the cursor', async () => {
    const { timers, http, options } = setup();
    const transport = new PollTransport(options);
    const run = record(transport, ['news'], 'c3');
    await timers.advance(0);
    http.next().respond(503, 'busy', { 'content-type': 'text/plain' });
    await timers.advance(0);
    expect(run.states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 100 });
    await timers.advance(100);
    http.next().fail(new TypeError('fetch failed'));
    await timers.advance(0);
    expect(run.states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 2, delayMs: 200, reason: expect.stringContaining('fetch failed') });
    await timers.advance(200);
    const retry = http.next();
    expect(retry.query('since')).toBe('c3');
    retry.respond(200, { events: [envelope('4')], cursor: 'c4' });
    await timers.advance(0);
    expect(run.deliveries).toEqual([{ events: [envelope('4')], cursor: 'c4' }]);
    expect(transport.stats.reconnects).toBe(2);
    run.stop();
  });

  it('restarts from now with reset on invalid_cursor', async () => {
    const { timers, http, options } = setup();
    const run = record(new PollTransport(options), ['news'], 'bogus');
    await timers.advance(0);
    http.next().respond(400, problem(400, 'invalid_cursor'));
    await timers.advance(0);
    const restart = http.next();
    expect(restart.query('since')).toBeNull();
    restart.respond(200, { events: [], cursor: 'now' });
    await timers.advance(0);
    expect(run.deliveries).toEqual([{ events: [], cursor: 'now', reset: true }]);
    expect(run.errors).toEqual([]);
    run.stop();
  });

  it('errors with a typed HeraldError on other 4xx and stops polling', async () => {
    const { timers, http, options } = setup();
    const run = record(new PollTransport(options), ['news'], 'c1');
    await timers.advance(0);
    http.next().respond(409, problem(409, 'too_many_topics', 'at most 32'));
    await timers.advance(0);
    expect(run.errors[0]).toMatchObject({ name: 'HeraldError', status: 409, code: 'too_many_topics', detail: 'at most 32' });
    expect(run.states.at(-1)).toMatchObject({ status: 'closed' });
    expect(timers.pending).toBe(0);
    expect(http.open()).toHaveLength(0);
  });

  it('rejects a malformed answer as a protocol error', async () => {
    const { timers, http, options } = setup();
    const run = record(new PollTransport(options), ['news'], 'c1');
    await timers.advance(0);
    http.next().respond(200, '{"events": "nope"');
    await timers.advance(0);
    expect(run.errors[0]).toMatchObject({ code: 'protocol_error' });
  });

  it('unsubscribing aborts the request in flight and clears every timer', async () => {
    const { timers, http, options } = setup();
    const run = record(new PollTransport(options), ['news'], 'c1');
    await timers.advance(0);
    const inFlight = http.next();
    run.stop();
    expect(inFlight.aborted).toBe(true);
    await timers.advance(10_000);
    expect(timers.pending).toBe(0);
    expect(http.requests).toHaveLength(1);
  });

  it('rejects invalid topics before making any request', async () => {
    const { http, options } = setup();
    const run = record(new PollTransport(options), ['bad topic']);
    expect(run.errors[0]).toMatchObject({ code: 'invalid_topic' });
    expect(http.requests).toHaveLength(0);
    await expect(new PollTransport(options).publish('ok', undefined)).rejects.toMatchObject({ code: 'invalid_body' });
  });

  it('publishes over HTTP and returns the stored envelope', async () => {
    const { http, options } = setup();
    const published = new PollTransport(options).publish('news', { a: 1 }, 'headline');
    await Promise.resolve();
    const request = http.next();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/topics/news/events');
    expect(JSON.parse(request.body ?? '')).toEqual({ type: 'headline', data: { a: 1 } });
    request.respond(201, envelope('9'));
    await expect(published).resolves.toEqual(envelope('9'));
  });
});

describe('LongPollTransport', () => {
  it('opens with a zero-wait request, then long polls back to back', async () => {
    const { timers, http, options } = setup();
    const run = record(new LongPollTransport({ ...options, longPollTimeoutMs: 20_000 }), ['news']);
    await timers.advance(0);
    const handshake = http.next();
    expect(handshake.path).toBe('/api/long-poll');
    expect(handshake.query('timeout')).toBe('0');
    handshake.respond(200, { events: [], cursor: 'c0' });
    await timers.advance(0);
    expect(run.states.at(-1)).toEqual({ status: 'open' });
    const wait = http.next();
    expect(wait.query('timeout')).toBe('20000');
    expect(wait.query('since')).toBe('c0');
    wait.respond(200, { events: [envelope('1')], cursor: 'c1' });
    await timers.advance(0);
    expect(http.next().query('since')).toBe('c1');
    http.next().respond(200, { events: [], cursor: 'c1' }); // server timeout: same cursor, nothing emitted
    await timers.advance(0);
    expect(run.deliveries).toEqual([
      { events: [], cursor: 'c0' },
      { events: [envelope('1')], cursor: 'c1' },
    ]);
    run.stop();
    expect(http.open()).toHaveLength(0);
    expect(timers.pending).toBe(0);
  });

  it('treats a long poll unanswered past its wait plus requestTimeoutMs as a dead link', async () => {
    const { timers, http, options } = setup();
    const run = record(new LongPollTransport({ ...options, longPollTimeoutMs: 5_000, requestTimeoutMs: 1_000 }), ['news'], 'c1');
    await timers.advance(0);
    http.next().respond(200, { events: [], cursor: 'c1' });
    await timers.advance(0);
    const hung = http.next();
    await timers.advance(5_999);
    expect(hung.aborted).toBe(false);
    await timers.advance(1);
    expect(hung.aborted).toBe(true);
    expect(run.states.at(-1)).toMatchObject({ status: 'reconnecting', reason: expect.stringContaining('within 6000 ms') });
    await timers.advance(100);
    expect(http.next().query('since')).toBe('c1');
    run.stop();
  });
});
