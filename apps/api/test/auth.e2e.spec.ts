import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { SseClient, WsClient } from './support/clients';
import { eventually, HeraldServer, startHerald } from './support/herald-server';

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256-0123';
const API_KEY = 'svc-key-0123456789abcdef';

async function token(grants: { subscribe?: string[]; publish?: string[] }, options: { expSec?: number; aud?: string; secret?: string } = {}) {
  return new SignJWT({ herald: grants })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setAudience(options.aud ?? 'herald')
    .setExpirationTime(options.expSec ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

type Outcome = 'ok' | 401 | 403;

describe('authentication and per-topic authorization, the same on every transport', () => {
  let server: HeraldServer;
  let alice: string;
  beforeAll(async () => {
    server = await startHerald({
      HERALD_AUTH: 'on',
      HERALD_JWT_SECRET: SECRET,
      HERALD_JWT_AUDIENCE: 'herald',
      HERALD_API_KEYS: JSON.stringify({ [API_KEY]: { id: 'ingest', publish: ['*'] } }),
    });
    alice = await token({ subscribe: ['open.*'], publish: ['open.chat'] });
  });
  afterAll(async () => {
    await server.close();
  });

  async function httpSubscribe(path: 'poll' | 'long-poll' | 'sse', topic: string, bearer?: string): Promise<Outcome> {
    const controller = new AbortController();
    const query = path === 'long-poll' ? `topics=${topic}&timeout=0` : `topics=${topic}`;
    const res = await fetch(`${server.url}/api/${path}?${query}`, {
      headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
      signal: controller.signal,
    });
    controller.abort();
    if (res.status === 200) return 'ok';
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return res.status as Outcome;
  }

  async function wsSubscribe(topic: string, bearer: string): Promise<Outcome> {
    const ws = await WsClient.connect(`${server.wsUrl}?access_token=${bearer}`);
    ws.send('subscribe', { topics: [topic], ref: 's' });
    const answer = await Promise.race([ws.next('subscribed'), ws.next('error')]);
    await ws.close();
    if (answer.event === 'subscribed') return 'ok';
    expect(answer.data.code).toBe('forbidden');
    return 403;
  }

  async function httpPublish(topic: string, credentials: Record<string, string>): Promise<Outcome> {
    const res = await fetch(`${server.url}/api/topics/${topic}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...credentials },
      body: '{"data":1}',
    });
    return res.status === 201 ? 'ok' : (res.status as Outcome);
  }

  async function wsPublish(topic: string, bearer: string): Promise<Outcome> {
    const ws = await WsClient.connect(`${server.wsUrl}?access_token=${bearer}`);
    ws.send('publish', { topic, data: 1, ref: 'p' });
    const answer = await Promise.race([ws.next('ack'), ws.next('error')]);
    await ws.close();
    return answer.event === 'ack' ? 'ok' : 403;
  }

  const matrix: [string, string, Outcome][] = [
    ['subscribe', 'open.news', 'ok'],
    ['subscribe', 'secret.news', 403],
    ['publish', 'open.chat', 'ok'],
    ['publish', 'open.news', 403],
  ];

  it.each(matrix)('%s %s → %s over poll, long poll, SSE and WS', async (action, topic, expected) => {
    if (action === 'subscribe') {
      for (const path of ['poll', 'long-poll', 'sse'] as const) expect([path, await httpSubscribe(path, topic, alice)]).toEqual([path, expected]);
      expect(['ws', await wsSubscribe(topic, alice)]).toEqual(['ws', expected]);
    } else {
      expect(['http', await httpPublish(topic, { Authorization: `Bearer ${alice}` })]).toEqual(['http', expected]);
      expect(['ws', await wsPublish(topic, alice)]).toEqual(['ws', expected]);
    }
  });

  it('a multi-topic subscription is refused when any topic is not granted', async () => {
    expect(await httpSubscribe('poll', 'open.a,secret.b', alice)).toBe(403);
  });

  it('an API key publishes with its own grant', async () => {
    expect(await httpPublish('anything.at.all', { 'X-Api-Key': API_KEY })).toBe('ok');
    expect(await httpPublish('anything', { Authorization: `ApiKey ${API_KEY}` })).toBe('ok');
    expect(await httpSubscribe('poll', 'open.x')).toBe(401);
  });

  it.each([
    ['no credentials', async () => undefined, 'unauthorized'],
    ['a forged token', () => token({ subscribe: ['*'] }, { secret: 'another-secret-that-is-long-enough-0123456' }), 'unauthorized'],
    ['a token for another audience', () => token({ subscribe: ['*'] }, { aud: 'elsewhere' }), 'unauthorized'],
    ['an expired token', () => token({ subscribe: ['*'] }, { expSec: Math.floor(Date.now() / 1000) - 3600 }), 'token_expired'],
    ['garbage', async () => 'not-a-jwt', 'unauthorized'],
  ])('%s → 401 %s on HTTP and a refused WS upgrade', async (_label, make, code) => {
    const bearer = await make();
    const res = await fetch(`${server.url}/api/poll?topics=open.a`, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(await res.json()).toMatchObject({ status: 401, code });
    const upgrade = await new Promise<number>((resolve) => {
      const ws = new WebSocket(bearer ? `${server.wsUrl}?access_token=${bearer}` : server.wsUrl);
      ws.once('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('error', () => undefined);
    });
    expect(upgrade).toBe(401);
  });

  it('accepts the token as a WebSocket subprotocol next to herald.v1, and never echoes the token', async () => {
    const ws = new WebSocket(server.wsUrl, ['herald.v1', `herald.token.${alice}`]);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('herald.v1');
    ws.close();
  });

  it('ends an SSE stream with a close event and a WS session with 4001 when the token expires', async () => {
    const shortLived = await token({ subscribe: ['*'] }, { expSec: Math.floor(Date.now() / 1000) + 2 });
    const sse = new SseClient(`${server.url}/api/sse?topics=open.a&access_token=${shortLived}`);
    const closeEvents: string[] = [];
    (sse as unknown as { es: EventTarget }).es.addEventListener('close', (e) => closeEvents.push(String((e as MessageEvent).data)));
    await sse.opened;
    const ws = await WsClient.connect(`${server.wsUrl}?access_token=${shortLived}`);
    await eventually(() => ws.closeCode !== undefined && closeEvents.length > 0, 'both sessions ended at expiry', 6000);
    expect(ws.closeCode).toBe(4001);
    expect(JSON.parse(closeEvents[0])).toMatchObject({ code: 'token_expired' });
    sse.close();
  });
});
