import type { Delivery } from '@herald/contracts';
import type { ConnectionState } from '../connection-state';
import { FakeFetch } from '../../testing/fake-fetch';
import { fakeWebSocketClass } from '../../testing/fake-web-socket';
import { ManualTimers } from '../../testing/manual-timers';
import { WsTransport } from './ws-transport';

const envelope = (id: string) => ({ id, topic: 'news', type: 'message', data: id, ts: 1_700_000_000_000 });

function setup(heartbeatTimeoutMs = 10_000) {
  const timers = new ManualTimers();
  const { WebSocket, sockets } = fakeWebSocketClass();
  const transport = new WsTransport({
    baseUrl: 'https://herald.test',
    WebSocket,
    fetch: new FakeFetch().fetch,
    timers,
    random: () => 0.5,
    heartbeatTimeoutMs,
    requestTimeoutMs: 3_000,
    backoff: { initialMs: 200, maxMs: 2_000 },
  });
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const states: ConnectionState[] = [];
  transport.state$.subscribe((state) => states.push(state));
  const subscribe = (since?: string) =>
    transport.subscribe(['news'], since === undefined ? {} : { since }).subscribe({ next: (d) => deliveries.push(d), error: (e) => errors.push(e) });
  const last = () => sockets[sockets.length - 1];
  /** Opens the latest socket and answers its subscribe frame. */
  const establish = (cursor: string) => {
    last().open();
    const frame = last().lastFrame();
    if (frame?.event !== 'subscribe') throw new Error('expected a subscribe frame');
    last().receive({ event: 'subscribed', data: { topics: ['news'], cursor, ref: frame.data.ref } });
    return frame;
  };
  return { timers, sockets, transport, deliveries, errors, states, subscribe, last, establish };
}

describe('WsTransport', () => {
  it('subscribes on open, is open on "subscribed", and delivers', () => {
    const { sockets, subscribe, establish, states, deliveries, last } = setup();
    subscribe();
    expect(sockets).toHaveLength(1);
    expect(last().url).toBe('wss://herald.test/ws');
    expect(states.at(-1)).toEqual({ status: 'connecting' });
    const frame = establish('c0');
    expect(frame).toEqual({ event: 'subscribe', data: { topics: ['news'], ref: expect.any(String) } });
    expect(states.at(-1)).toEqual({ status: 'open' });
    last().receive({ event: 'delivery', data: { events: [envelope('1')], cursor: 'c1' } });
    last().receive({ event: 'heartbeat', data: { ts: 1 } });
    expect(deliveries).toEqual([
      { events: [], cursor: 'c0' },
      { events: [envelope('1')], cursor: 'c1' },
    ]);
  });

  it('reconnects after the server closes (1012) and resubscribes from the last cursor', async () => {
    const { sockets, subscribe, establish, states, last, timers, transport } = setup();
    subscribe('c0');
    establish('c0');
    last().receive({ event: 'delivery', data: { events: [envelope('1')], cursor: 'c1' } });
    last().drop(1012, 'server restarting');
    expect(states.at(-1)).toEqual({ status: 'reconnecting', attempt: 1, delayMs: 100, reason: 'WebSocket closed (1012: server restarting)' });
    await timers.advance(100);
    expect(sockets).toHaveLength(2);
    const frame = establish('c1');
    expect(frame.data).toMatchObject({ topics: ['news'], since: 'c1' });
    expect(transport.stats).toMatchObject({ reconnects: 1, requests: 2, eventsReceived: 1 });
  });

  it('pings after half the heartbeat timeout of silence and replaces a link silent for all of it', async () => {
    const { subscribe, establish, last, timers, sockets, states } = setup(10_000);
    subscribe('c0');
    establish('c0');
    await timers.advance(4_999);
    expect(last().frames().some((f) => f.event === 'ping')).toBe(false);
    await timers.advance(1);
    expect(last().lastFrame()).toEqual({ event: 'ping', data: { ref: 'keepalive' } });
    // A pong is a sign of life: the link stays.
    last().receive({ event: 'pong', data: { ref: 'keepalive', ts: 1 } });
    await timers.advance(9_999);
    expect(sockets).toHaveLength(1);
    await timers.advance(5_001);
    expect(sockets[0].terminated).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', reason: expect.stringContaining('heartbeat timeout 10000 ms') });
    await timers.advance(100);
    expect(sockets).toHaveLength(2);
  });

  it('bounds the handshake by the heartbeat timeout', async () => {
    const { subscribe, timers, sockets, states } = setup(4_000);
    subscribe('c0');
    await timers.advance(4_000);
    expect(sockets[0].terminated).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1 });
  });

  it('ends the stream on an unknown frame instead of ignoring it', () => {
    const { subscribe, establish, last, errors, states } = setup();
    subscribe();
    establish('c0');
    last().receive({ event: 'surprise', data: {} });
    expect(errors[0]).toMatchObject({ name: 'HeraldError', code: 'protocol_error', detail: expect.stringContaining('unknown WebSocket frame event "surprise"') });
    expect(last().terminated).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'closed' });
  });

  it('ends the stream on malformed JSON and binary frames', () => {
    const a = setup();
    a.subscribe();
    a.establish('c0');
    a.last().receive('{oops');
    expect(a.errors[0]).toMatchObject({ code: 'protocol_error', detail: expect.stringContaining('not valid JSON') });
    const b = setup();
    b.subscribe();
    b.establish('c0');
    b.last().receiveRaw(new Uint8Array([1]));
    expect(b.errors[0]).toMatchObject({ code: 'protocol_error', detail: expect.stringContaining('binary') });
  });

  it('restarts from now when the server rejects the cursor, and passes the reset on', async () => {
    const { subscribe, last, timers, sockets, deliveries, errors, establish } = setup();
    subscribe('not-a-cursor');
    last().open();
    const frame = last().lastFrame();
    if (frame?.event !== 'subscribe') throw new Error('expected subscribe');
    last().receive({ event: 'error', data: { code: 'invalid_cursor', message: 'bad cursor', ref: frame.data.ref } });
    await timers.advance(0);
    expect(sockets).toHaveLength(2);
    expect(establish('now').data.since).toBeUndefined();
    expect(deliveries).toEqual([{ events: [], cursor: 'now', reset: true }]);
    expect(errors).toEqual([]);
  });

  it('passes a reset announced by "subscribed" on at once, and only once', () => {
    const { subscribe, last, deliveries } = setup();
    subscribe('old-epoch');
    last().open();
    const frame = last().lastFrame();
    if (frame?.event !== 'subscribe') throw new Error('expected subscribe');
    last().receive({ event: 'subscribed', data: { topics: ['news'], cursor: 'r0', ref: frame.data.ref, reset: true } });
    last().receive({ event: 'delivery', data: { events: [envelope('1')], cursor: 'r1', reset: true } });
    last().receive({ event: 'delivery', data: { events: [envelope('2')], cursor: 'r2', reset: true } });
    expect(deliveries).toEqual([
      { events: [], cursor: 'r0', reset: true },
      { events: [envelope('1')], cursor: 'r1' },
      { events: [envelope('2')], cursor: 'r2', reset: true },
    ]);
  });

  it('errors with the server code when the subscription is refused', () => {
    const { subscribe, last, errors } = setup();
    subscribe();
    last().open();
    last().receive({ event: 'error', data: { code: 'too_many_topics', message: 'at most 256' } });
    expect(errors[0]).toMatchObject({ code: 'too_many_topics', detail: 'at most 256' });
  });

  it('matches publish acks by ref on the subscription socket', async () => {
    const { subscribe, establish, last, transport } = setup();
    subscribe();
    establish('c0');
    const one = transport.publish('news', { n: 1 });
    const two = transport.publish('news', { n: 2 }, 'custom');
    const frames = last().frames().filter((f) => f.event === 'publish');
    expect(frames.map((f) => f.data)).toEqual([
      { topic: 'news', data: { n: 1 }, ref: expect.any(String) },
      { topic: 'news', type: 'custom', data: { n: 2 }, ref: expect.any(String) },
    ]);
    const [refOne, refTwo] = frames.map((f) => (f.event === 'publish' ? f.data.ref : undefined));
    last().receive({ event: 'ack', data: { ref: refTwo, envelope: envelope('2') } });
    last().receive({ event: 'error', data: { ref: refOne, code: 'payload_too_large', message: 'too big' } });
    await expect(two).resolves.toEqual(envelope('2'));
    await expect(one).rejects.toMatchObject({ code: 'payload_too_large', detail: 'too big' });
  });

  it('publishes through a socket of its own when no subscription is open, closing it once answered', async () => {
    const { transport, sockets, timers } = setup();
    const published = transport.publish('news', 1);
    expect(sockets).toHaveLength(1);
    sockets[0].open();
    const frame = sockets[0].lastFrame();
    if (frame?.event !== 'publish') throw new Error('expected publish');
    sockets[0].receive({ event: 'ack', data: { ref: frame.data.ref, envelope: envelope('7') } });
    await expect(published).resolves.toEqual(envelope('7'));
    await timers.advance(0);
    expect(sockets[0].closedByClient).toEqual({ code: 1000, reason: 'publishes answered' });
    expect(timers.pending).toBe(0);
  });

  it('fails a publish that gets no ack in time, or whose socket closes', async () => {
    const { subscribe, establish, last, transport, timers, errors } = setup();
    subscribe();
    establish('c0');
    const late = transport.publish('news', 1).catch((error: unknown) => error);
    await timers.advance(2_999);
    await timers.advance(1);
    await expect(late).resolves.toMatchObject({ code: 'timeout' });
    // The answer to the timed-out publish arrives late: it is ignored, the subscription goes on.
    const timedOut = last().frames().find((f) => f.event === 'publish');
    const lateRef = timedOut?.event === 'publish' ? timedOut.data.ref : undefined;
    last().receive({ event: 'error', data: { ref: lateRef, code: 'payload_too_large', message: 'late' } });
    expect(errors).toEqual([]);
    expect(last().closedByClient).toBeUndefined();
    const cut = transport.publish('news', 2);
    last().drop(1006);
    await expect(cut).rejects.toMatchObject({ code: 'connection_closed' });
  });

  it('unsubscribing closes the socket and leaves no timers', () => {
    const { subscribe, establish, last, timers, states } = setup();
    const subscription = subscribe();
    establish('c0');
    subscription.unsubscribe();
    expect(last().closedByClient).toEqual({ code: 1000, reason: 'unsubscribed' });
    expect(timers.pending).toBe(0);
    expect(states.at(-1)).toEqual({ status: 'closed', reason: 'unsubscribed' });
  });

  it('is unavailable without a WebSocket constructor', () => {
    const transport = new WsTransport({ baseUrl: 'http://herald.test', fetch: new FakeFetch().fetch, connectAttempts: 1 });
    const errors: unknown[] = [];
    transport.subscribe(['news']).subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).toMatchObject({ code: 'unavailable', detail: expect.stringContaining('no WebSocket available') });
  });
});
