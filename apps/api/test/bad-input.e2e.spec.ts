import { PROBLEM_CONTENT_TYPE } from '@herald/contracts';
import { encodeCursor } from '@herald/event-bus';
import { SseClient, WsClient } from './support/clients';
import { eventually, HeraldServer, startHerald } from './support/herald-server';

interface Case {
  name: string;
  method?: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string | Blob;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const long = (n: number) => 'x'.repeat(n);
const tooManyTopics = Array.from({ length: 33 }, (_, i) => `t${i}`).join(',');
const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => ({ method: 'POST' as const, path, body, headers });

const cases: Case[] = [
  { name: 'poll without topics', path: '/api/poll', status: 400, code: 'missing_topics' },
  { name: 'poll with an empty topic list', path: '/api/poll?topics=,', status: 400, code: 'missing_topics' },
  { name: 'poll with a bad topic name', path: '/api/poll?topics=-bad', status: 400, code: 'invalid_topic' },
  { name: 'poll with a too long topic name', path: `/api/poll?topics=${long(129)}`, status: 400, code: 'invalid_topic' },
  { name: 'poll with a newline in the topic', path: '/api/poll?topics=a%0Ab', status: 400, code: 'invalid_topic' },
  { name: 'poll with too many topics', path: `/api/poll?topics=${tooManyTopics}`, status: 400, code: 'too_many_topics' },
  { name: 'poll with a garbage cursor', path: '/api/poll?topics=a&since=not-a-cursor!', status: 400, code: 'invalid_cursor' },
  { name: 'poll with a base64 non-cursor', path: `/api/poll?topics=a&since=${Buffer.from('hello').toString('base64url')}`, status: 400, code: 'invalid_cursor' },
  { name: 'poll with limit 0', path: '/api/poll?topics=a&limit=0', status: 400, code: 'invalid_limit' },
  { name: 'poll with a huge limit', path: '/api/poll?topics=a&limit=1000000', status: 400, code: 'invalid_limit' },
  { name: 'poll with a negative limit', path: '/api/poll?topics=a&limit=-5', status: 400, code: 'invalid_limit' },
  { name: 'poll with limit NaN', path: '/api/poll?topics=a&limit=NaN', status: 400, code: 'invalid_limit' },
  { name: 'poll with since given twice', path: '/api/poll?topics=a&since=earliest&since=earliest', status: 400, code: 'invalid_body' },
  { name: 'long poll with a negative timeout', path: '/api/long-poll?topics=a&timeout=-1', status: 400, code: 'invalid_timeout' },
  { name: 'long poll with a timeout above the maximum', path: '/api/long-poll?topics=a&timeout=60001', status: 400, code: 'invalid_timeout' },
  { name: 'long poll with timeout NaN', path: '/api/long-poll?topics=a&timeout=NaN', status: 400, code: 'invalid_timeout' },
  { name: 'long poll with a fractional timeout', path: '/api/long-poll?topics=a&timeout=1.5', status: 400, code: 'invalid_timeout' },
  { name: 'long poll with a garbage cursor', path: '/api/long-poll?topics=a&since=%00%01', status: 400, code: 'invalid_cursor' },
  { name: 'SSE without topics', path: '/api/sse', status: 400, code: 'missing_topics' },
  { name: 'SSE with a garbage Last-Event-ID', path: '/api/sse?topics=a', headers: { 'Last-Event-ID': 'garbage' }, status: 400, code: 'invalid_cursor' },
  { name: 'SSE with a bad topic', path: '/api/sse?topics=a%20b', status: 400, code: 'invalid_topic' },
  { name: 'publish malformed JSON', ...post('/api/topics/a/events', '{"data": '), status: 400, code: 'invalid_json' },
  { name: 'publish a JSON array', ...post('/api/topics/a/events', '[1,2]'), status: 400, code: 'invalid_body' },
  { name: 'publish a JSON string', ...post('/api/topics/a/events', '"hi"'), status: 400, code: 'invalid_json' },
  { name: 'publish without data', ...post('/api/topics/a/events', '{"type":"x"}'), status: 400, code: 'invalid_body' },
  { name: 'publish with an unknown member', ...post('/api/topics/a/events', '{"data":1,"extra":2}'), status: 400, code: 'invalid_body' },
  { name: 'publish with a newline in type (SSE field injection)', ...post('/api/topics/a/events', '{"type":"x\\ndata: evil","data":1}'), status: 400, code: 'invalid_type' },
  { name: 'publish with a carriage return in type', ...post('/api/topics/a/events', '{"type":"x\\r","data":1}'), status: 400, code: 'invalid_type' },
  { name: 'publish with a non-string type', ...post('/api/topics/a/events', '{"type":5,"data":1}'), status: 400, code: 'invalid_type' },
  { name: 'publish with an empty type', ...post('/api/topics/a/events', '{"type":"","data":1}'), status: 400, code: 'invalid_type' },
  { name: 'publish to a bad topic', ...post('/api/topics/.bad/events', '{"data":1}'), status: 400, code: 'invalid_topic' },
  { name: 'publish to a topic with a colon-space', ...post('/api/topics/a%3A%20b/events', '{"data":1}'), status: 400, code: 'invalid_topic' },
  { name: 'publish data over 64 KiB', ...post('/api/topics/a/events', JSON.stringify({ data: long(65 * 1024) })), status: 413, code: 'payload_too_large' },
  { name: 'publish a body far over the limit', ...post('/api/topics/a/events', JSON.stringify({ data: long(200 * 1024) })), status: 413, code: 'payload_too_large' },
  { name: 'publish as text/plain', ...post('/api/topics/a/events', '{"data":1}', { 'content-type': 'text/plain' }), status: 415, code: 'unsupported_media_type' },
  { name: 'publish with no body', ...post('/api/topics/a/events', '', {}), status: 415, code: 'unsupported_media_type' },
  { name: 'publish data nested 65 levels deep', ...post('/api/topics/a/events', `{"data":${'['.repeat(65)}${']'.repeat(65)}}`), status: 400, code: 'invalid_body' },
  { name: 'publish data nested 30,000 levels deep', ...post('/api/topics/a/events', `{"data":${'['.repeat(30_000)}${']'.repeat(30_000)}}`), status: 400, code: 'invalid_body' },
  { name: 'publish a body that is not valid UTF-8', method: 'POST', path: '/api/topics/a/events', body: new Blob([new Uint8Array([...Buffer.from('{"data":"'), 0xff, 0xfe, ...Buffer.from('"}')])]), headers: { 'content-type': 'application/json' }, status: 400, code: 'invalid_json' },
  { name: 'publish in an unsupported charset', ...post('/api/topics/a/events', '{"data":1}', { 'content-type': 'application/json; charset=latin9' }), status: 415, code: 'unsupported_media_type' },
  { name: 'an unknown route', path: '/api/nope', status: 404, code: 'not_found' },
  { name: 'a wrong method', method: 'PUT', path: '/api/poll?topics=a', status: 404, code: 'not_found' },
];

describe('bad input gets a documented 4xx problem+json, and the server keeps serving others', () => {
  let server: HeraldServer;
  let watcher: SseClient;

  beforeAll(async () => {
    server = await startHerald();
    watcher = new SseClient(`${server.url}/api/sse?topics=a`);
    await watcher.opened;
  });
  afterAll(async () => {
    watcher.close();
    await server.close();
  });

  it.each(cases)('$name → $status $code', async ({ method = 'GET', path, body, headers, status, code }) => {
    const res = await fetch(server.url + path, { method, body, headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status, code, type: `urn:herald:problem:${code}`, title: expect.any(String), detail: expect.any(String) });
  });

  it('a cursor from another epoch or ahead of the log is not an error: it resets', async () => {
    const foreign = encodeCursor('someOtherEpoch', [['a', 5]]);
    const res = await fetch(`${server.url}/api/poll?topics=a&since=${foreign}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reset: true });
  });

  it('after all of that, a concurrent subscriber still gets every event and publishing works', async () => {
    const before = watcher.envelopes().length;
    const res = await fetch(`${server.url}/api/topics/a/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":"still here"}' });
    expect(res.status).toBe(201);
    await eventually(() => watcher.envelopes().length === before + 1, 'the watcher gets the event');
    // None of the rejected publishes reached the log.
    expect(watcher.envelopes().map((e) => e.data)).toEqual(['still here']);
  });
});

describe('bad WebSocket frames get an error frame and the socket stays usable', () => {
  let server: HeraldServer;
  let ws: WsClient;
  beforeAll(async () => {
    server = await startHerald();
    ws = await WsClient.connect(server.wsUrl);
  });
  afterAll(async () => {
    await ws.close();
    await server.close();
  });

  const frames: { name: string; raw: string | Buffer; code: string; ref?: string }[] = [
    { name: 'not JSON', raw: '{"event": ', code: 'invalid_frame' },
    { name: 'a JSON array', raw: '[1,2]', code: 'invalid_frame' },
    { name: 'no event', raw: '{"data":{}}', code: 'invalid_frame' },
    { name: 'a binary frame', raw: Buffer.from('{"event":"ping"}'), code: 'invalid_frame' },
    { name: 'an unknown event', raw: '{"event":"explode","data":{"ref":"r1"}}', code: 'unknown_event', ref: 'r1' },
    { name: 'subscribe without topics', raw: '{"event":"subscribe","data":{"ref":"r2"}}', code: 'missing_topics', ref: 'r2' },
    { name: 'subscribe with an empty topic list', raw: '{"event":"subscribe","data":{"topics":[],"ref":"r2b"}}', code: 'missing_topics', ref: 'r2b' },
    { name: 'subscribe with a non-string since', raw: '{"event":"subscribe","data":{"topics":["a"],"since":5,"ref":"r2c"}}', code: 'invalid_cursor', ref: 'r2c' },
    { name: 'subscribe to a bad topic', raw: '{"event":"subscribe","data":{"topics":["a\\nb"],"ref":"r3"}}', code: 'invalid_topic', ref: 'r3' },
    { name: 'subscribe with a garbage cursor', raw: '{"event":"subscribe","data":{"topics":["a"],"since":"zzz!","ref":"r4"}}', code: 'invalid_cursor', ref: 'r4' },
    { name: 'subscribe to too many topics', raw: JSON.stringify({ event: 'subscribe', data: { topics: Array.from({ length: 33 }, (_, i) => `t${i}`), ref: 'r5' } }), code: 'too_many_topics', ref: 'r5' },
    { name: 'unsubscribe from a topic not subscribed', raw: '{"event":"unsubscribe","data":{"topics":["zz"],"ref":"r6"}}', code: 'not_subscribed', ref: 'r6' },
    { name: 'publish without data', raw: '{"event":"publish","data":{"topic":"a","ref":"r7"}}', code: 'invalid_frame', ref: 'r7' },
    { name: 'publish with a control character in type', raw: '{"event":"publish","data":{"topic":"a","type":"a\\u0007","data":1,"ref":"r8"}}', code: 'invalid_type', ref: 'r8' },
    { name: 'publish to a bad topic', raw: '{"event":"publish","data":{"topic":"","data":1,"ref":"r9"}}', code: 'invalid_topic', ref: 'r9' },
    { name: 'publish data over 64 KiB', raw: JSON.stringify({ event: 'publish', data: { topic: 'a', data: long(65 * 1024), ref: 'r10' } }), code: 'payload_too_large', ref: 'r10' },
    { name: 'publish with an unknown member', raw: '{"event":"publish","data":{"topic":"a","data":1,"x":1,"ref":"r11"}}', code: 'invalid_frame', ref: 'r11' },
    { name: 'publish data nested 10,000 levels deep', raw: `{"event":"publish","data":{"topic":"a","data":${'['.repeat(10_000)}${']'.repeat(10_000)},"ref":"r12"}}`, code: 'invalid_body', ref: 'r12' },
    { name: 'a frame nested 30,000 levels deep', raw: `{"event":"ping","data":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, code: 'invalid_frame' },
  ];

  it.each(frames)('$name → error $code', async ({ raw, code, ref }) => {
    const answer = ws.next('error');
    ws.sendRaw(raw);
    const frame = await answer;
    expect(frame.data.code).toBe(code);
    expect(frame.data.message).toEqual(expect.any(String));
    if (ref) expect(frame.data.ref).toBe(ref);
  });

  it('the same socket still subscribes and receives afterwards', async () => {
    ws.send('subscribe', { topics: ['a'], ref: 'ok' });
    await ws.next('subscribed', (f) => f.data.ref === 'ok');
    const delivered = ws.next('delivery');
    await server.bus.publish('a', { type: 'n', data: 'fine' });
    expect((await delivered).data.events.map((e) => e.data)).toEqual(['fine']);
    expect(ws.closeCode).toBeUndefined();
  });

  it('a text frame with invalid UTF-8 closes that socket with 1007 and nobody else notices', async () => {
    const victim = await WsClient.connect(server.wsUrl);
    // A raw masked text frame whose payload is not UTF-8 (the ws client would refuse to build one).
    const socket = (victim.socket as unknown as { _socket: import('node:net').Socket })._socket;
    const payload = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
    socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
    await eventually(() => victim.closeCode !== undefined, 'victim closed');
    expect(victim.closeCode).toBe(1007);
    const delivered = ws.next('delivery');
    await server.bus.publish('a', { type: 'n', data: 'still fine' });
    expect((await delivered).data.events.map((e) => e.data)).toEqual(['still fine']);
  });

  it('a frame larger than the frame limit closes that socket with 1009 and nobody else notices', async () => {
    const victim = await WsClient.connect(server.wsUrl);
    victim.sendRaw(JSON.stringify({ event: 'publish', data: { topic: 'a', data: long(80 * 1024) } }));
    await eventually(() => victim.closeCode !== undefined, 'victim closed');
    expect(victim.closeCode).toBe(1009);
    const delivered = ws.next('delivery');
    await server.bus.publish('a', { type: 'n', data: 'others fine' });
    expect((await delivered).data.events.map((e) => e.data)).toEqual(['others fine']);
  });
});
