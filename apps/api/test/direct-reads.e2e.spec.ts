import { SignJWT } from 'jose';
import { DirectReadRoutes } from '@herald/transports';
import { HeraldServer, startHerald } from './support/herald-server';

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256-0123';
const API_KEY = 'svc-key-0123456789abcdef';
const AUTH_ENV = {
  HERALD_AUTH: 'on',
  HERALD_JWT_SECRET: SECRET,
  HERALD_API_KEYS: JSON.stringify({ [API_KEY]: { id: 'ingest', publish: ['*'], subscribe: ['open.*'] } }),
};

/** Headers whose values differ from answer to answer (or server to server) by nature. */
const VARYING = new Set(['date', 'x-request-id', 'etag', 'keep-alive', 'content-length', 'transfer-encoding', 'connection']);

interface Answer {
  status: number;
  headers: Record<string, string>;
  headerNames: string[];
  body: string;
}

/** Cursors embed the process's epoch and envelopes their publish time: the same answer from two servers differs only there. */
function normalize(body: string): string {
  return body
    .replace(/"ts":\d+/g, '"ts":0')
    .replace(/"cursor":"[A-Za-z0-9_-]+"/g, '"cursor":"C"')
    .replace(/^id: [A-Za-z0-9_-]+$/gm, 'id: C')
    .replace(/(cursor [`"]?)[A-Za-z0-9_-]{8,}/g, '$1C');
}

async function ask(server: HeraldServer, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const controller = new AbortController();
  const res = await fetch(server.url + path, { headers, signal: controller.signal });
  let body = '';
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    // Read until the replayed events are in, then leave.
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    while (!body.includes('"second"')) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
    }
    controller.abort();
  } else {
    body = await res.text();
  }
  const all: Record<string, string> = {};
  res.headers.forEach((value, name) => (all[name] = value));
  return {
    status: res.status,
    headers: Object.fromEntries(Object.entries(all).filter(([name]) => !VARYING.has(name))),
    headerNames: Object.keys(all).filter((name) => name !== 'keep-alive' && name !== 'connection' && name !== 'transfer-encoding' && name !== 'content-length'),
    body: normalize(body),
  };
}

describe('direct read routes answer exactly like the same routes through Nest', () => {
  let direct: HeraldServer;
  let nest: HeraldServer;
  let bearer: string;
  const taken: boolean[] = [];

  beforeAll(async () => {
    const take = DirectReadRoutes.prototype.take;
    jest.spyOn(DirectReadRoutes.prototype, 'take').mockImplementation(function (this: DirectReadRoutes, req, res) {
      const result = take.call(this, req, res);
      taken.push(result);
      return result;
    });
    direct = await startHerald({ ...AUTH_ENV });
    nest = await startHerald({ ...AUTH_ENV, HERALD_DIRECT_READS: 'off' });
    bearer = await new SignJWT({ herald: { subscribe: ['open.*'] } })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(SECRET));
    for (const server of [direct, nest]) {
      for (const data of ['first', 'second']) {
        const res = await fetch(`${server.url}/api/topics/open.a/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify({ type: 'note', data }),
        });
        expect(res.status).toBe(201);
      }
    }
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await Promise.all([direct.close(), nest.close()]);
  });

  const cases: [string, string, (b: string) => Record<string, string>][] = [
    ['poll from earliest', '/api/poll?topics=open.a&since=earliest', (b) => ({ authorization: `Bearer ${b}` })],
    ['poll with the token in the query', '/api/poll?topics=open.a&since=earliest&access_token=TOKEN', () => ({})],
    ['poll without credentials (401)', '/api/poll?topics=open.a', () => ({})],
    ['poll of a topic not granted (403)', '/api/poll?topics=secret', (b) => ({ authorization: `Bearer ${b}` })],
    ['poll of a bad topic name (400)', '/api/poll?topics=b%40d', (b) => ({ authorization: `Bearer ${b}` })],
    ['poll with a bad cursor (400)', '/api/poll?topics=open.a&since=nope', (b) => ({ authorization: `Bearer ${b}` })],
    ['poll with topics twice', '/api/poll?topics=open.a&topics=open.b&since=earliest', (b) => ({ authorization: `Bearer ${b}` })],
    ['poll with a bad limit (400)', '/api/poll?topics=open.a&limit=0', (b) => ({ authorization: `Bearer ${b}` })],
    ['poll from a cross-origin page not allowed', '/api/poll?topics=open.a', (b) => ({ authorization: `Bearer ${b}`, origin: 'https://elsewhere.example' })],
    ['long poll with events waiting', '/api/long-poll?topics=open.a&since=earliest&timeout=0', (b) => ({ authorization: `Bearer ${b}` })],
    ['long poll that times out', '/api/long-poll?topics=open.a&timeout=0', (b) => ({ authorization: `Bearer ${b}` })],
    ['long poll with a bad timeout (400)', '/api/long-poll?topics=open.a&timeout=999999', (b) => ({ authorization: `Bearer ${b}` })],
    ['long poll without topics (400)', '/api/long-poll', (b) => ({ authorization: `Bearer ${b}` })],
    ['SSE replay from earliest', '/api/sse?topics=open.a&since=earliest', (b) => ({ authorization: `Bearer ${b}` })],
    ['SSE with a bad Last-Event-ID (400)', '/api/sse?topics=open.a', (b) => ({ authorization: `Bearer ${b}`, 'last-event-id': 'garbage' })],
    ['SSE with an expired-looking token (401)', '/api/sse?topics=open.a', () => ({ authorization: 'Bearer not.a.jwt' })],
  ];

  it.each(cases)('%s', async (_name, path, headersFor) => {
    const withToken = path.replace('TOKEN', bearer);
    const before = taken.filter(Boolean).length;
    const [fromDirect, fromNest] = [await ask(direct, withToken, headersFor(bearer)), await ask(nest, withToken, headersFor(bearer))];
    expect(fromDirect).toEqual(fromNest);
    expect(fromDirect.headerNames).toContain('x-request-id');
    expect(fromDirect.headerNames).toContain('x-content-type-options');
    // The direct server took the request itself (the other one has no direct routes).
    expect(taken.filter(Boolean).length).toBe(before + 1);
  });

  it('answers a 304 to a poll whose ETag still matches, on both', async () => {
    for (const server of [direct, nest]) {
      const first = await fetch(`${server.url}/api/poll?topics=open.a&since=earliest`, { headers: { authorization: `Bearer ${bearer}` } });
      const again = await fetch(`${server.url}/api/poll?topics=open.a&since=${((await first.json()) as { cursor: string }).cursor}`, {
        headers: { authorization: `Bearer ${bearer}`, 'if-none-match': first.headers.get('etag') as string },
      });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    }
  });

  it('leaves every other method and path to Express', async () => {
    const before = taken.filter(Boolean).length;
    const head = await fetch(`${direct.url}/api/poll?topics=open.a`, { method: 'HEAD', headers: { authorization: `Bearer ${bearer}` } });
    expect(head.status).toBe(200);
    const slash = await fetch(`${direct.url}/api/poll/?topics=open.a`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(slash.status).toBe(200);
    const preflight = await fetch(`${direct.url}/api/poll`, { method: 'OPTIONS' });
    expect(preflight.status).toBeLessThan(300);
    expect((await fetch(`${direct.url}/health/live`)).status).toBe(200);
    expect(taken.filter(Boolean).length).toBe(before);
  });
});
