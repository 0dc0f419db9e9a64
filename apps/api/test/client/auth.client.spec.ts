import { SignJWT } from 'jose';
import WebSocket from 'ws';
import type { Envelope } from '@herald/contracts';
import { AutoTransport, createRealtimeClient, HeraldError, TokenRequest, TransportName, WsTransport } from '@herald/client';
import { eventually, HeraldServer, startHerald } from '../support/herald-server';
import { Recorder, sleep, testClientOptions } from './recorder';

// The two HTTP refresh tests wait out the server's 5 s clock tolerance (about 7 s each); the file takes about 20 s.
jest.setTimeout(20_000);

const TRANSPORTS: TransportName[] = ['ws', 'sse', 'long-poll', 'poll'];
const SECRET = 'client-auth-e2e-secret-long-enough-for-hs256-0123';
const API_KEY = 'svc-client-e2e-key-0123456789abcdef';

interface Grants {
  subscribe?: string[];
  publish?: string[];
}

/** A JWT the server accepts: `sub`, `exp` (seconds from now) and the `herald` grants. */
function sign(grants: Grants, expiresInSec = 600): Promise<string> {
  return new SignJWT({ herald: grants })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('client-e2e')
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSec)
    .sign(new TextEncoder().encode(SECRET));
}

/** Publishes as a service (API key), independently of the SDK under test. */
async function publishAsService(server: HeraldServer, topic: string, data: unknown): Promise<Envelope> {
  const res = await fetch(`${server.url}/api/topics/${topic}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ data }),
  });
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Envelope;
}

/** Every event exactly once, in order (ids are unique within the server's log). */
function expectExactlyOnce(recorder: Recorder, expected: unknown[]): void {
  expect(recorder.data()).toEqual(expected);
  const ids = recorder.events().map((event) => `${event.topic}/${event.id}`);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('the SDK against a server with HERALD_AUTH=on', () => {
  let server: HeraldServer;
  let recorder: Recorder | undefined;

  beforeAll(async () => {
    server = await startHerald({
      HERALD_AUTH: 'on',
      HERALD_JWT_SECRET: SECRET,
      HERALD_API_KEYS: JSON.stringify({ [API_KEY]: { id: 'client-e2e', subscribe: ['*'], publish: ['*'] } }),
      HERALD_HEARTBEAT_MS: '200',
      HERALD_SSE_RETRY_MS: '100',
    });
  });
  afterEach(() => {
    recorder?.stop();
    recorder = undefined;
  });
  afterAll(async () => {
    await server.close();
  });

  describe.each(TRANSPORTS)('%s', (transport) => {
    const topic = `auth.${transport.replace('-', '')}`;

    it('subscribes and receives with a valid token', async () => {
      const token = await sign({ subscribe: ['auth.*'] });
      const client = createRealtimeClient(testClientOptions(server.url, { transport, auth: { token } }));
      recorder = new Recorder(client, [`${topic}.valid`]);
      await recorder.untilOpen();
      const sent = await publishAsService(server, `${topic}.valid`, 'hello');
      await recorder.untilEvents(1);
      expect(recorder.events()).toEqual([sent]);
      expect(recorder.errors).toEqual([]);
    });

    it('refreshes a short-lived token through the provider and resumes: every event exactly once', async () => {
      const name = `${topic}.refresh`;
      let current = await sign({ subscribe: [name] }, 2);
      const fresh = await sign({ subscribe: [name] });
      const requests: TokenRequest['reason'][] = [];
      const provider = (request: TokenRequest): string => {
        requests.push(request.reason);
        if (request.reason === 'expired') current = fresh;
        return current;
      };
      const client = createRealtimeClient(testClientOptions(server.url, { transport, auth: { token: provider } }));
      recorder = new Recorder(client, [name]);
      await recorder.untilOpen();

      // Publish steadily across the expiry, the refresh and the resumption.
      let published = 0;
      const publishing = (async () => {
        const until = () => requests.includes('expired') && recorder !== undefined && recorder.states.at(-1)?.status === 'open';
        while (!until()) {
          await publishAsService(server, name, ++published);
          await sleep(50);
        }
        for (let i = 0; i < 3; i++) await publishAsService(server, name, ++published);
      })();
      await eventually(() => requests.includes('expired'), 'the provider asked for a fresh token', 12_000);
      await publishing;
      await recorder.untilEvents(published);
      await sleep(150); // nothing more may arrive

      const expected = Array.from({ length: published }, (_, i) => i + 1);
      expectExactlyOnce(recorder, expected);
      expect(published).toBeGreaterThan(5);
      expect(requests.filter((reason) => reason === 'expired')).toHaveLength(1);
      expect(recorder.errors).toEqual([]);
      expect(recorder.deliveries.some((delivery) => delivery.reset)).toBe(false);
      // The resumption after the refresh starts at once, not after a backoff.
      expect(recorder.states).toContainEqual(expect.objectContaining({ status: 'reconnecting', delayMs: 0, reason: expect.stringContaining('fresh token') }));
    });

    it('errors with HeraldError 403 forbidden for a token without the grant', async () => {
      const token = await sign({ subscribe: ['elsewhere.*'] });
      const client = createRealtimeClient(testClientOptions(server.url, { transport, auth: { token } }));
      recorder = new Recorder(client, [`${topic}.secret`]);
      await recorder.untilError();
      const [error] = recorder.errors;
      expect(error).toBeInstanceOf(HeraldError);
      expect(error).toMatchObject({ status: 403, code: 'forbidden' });
      expect(recorder.state).toMatchObject({ status: 'closed', error: { code: 'forbidden' } });
    });

    it('errors with HeraldError 401 unauthorized without credentials', async () => {
      const client = createRealtimeClient(testClientOptions(server.url, { transport }));
      recorder = new Recorder(client, [`${topic}.anonymous`]);
      await recorder.untilError();
      expect(recorder.errors[0]).toBeInstanceOf(HeraldError);
      expect(recorder.errors[0]).toMatchObject({ status: 401, code: 'unauthorized' });
    });
  });

  it('publishes with a token over HTTP and over WebSocket (own socket and subscription socket)', async () => {
    const token = await sign({ subscribe: ['auth.publish'], publish: ['auth.publish'] });
    const http = createRealtimeClient(testClientOptions(server.url, { transport: 'poll', auth: { token } }));
    const ws: WsTransport = createRealtimeClient(testClientOptions(server.url, { transport: 'ws', auth: { token: async () => token } }));
    const viaHttp = await http.publish('auth.publish', 'via-http');
    const viaOwnSocket = await ws.publish('auth.publish', 'via-ws');
    recorder = new Recorder(ws, ['auth.publish'], { since: 'earliest' });
    await recorder.untilEvents(2);
    const viaSubscription = await ws.publish('auth.publish', 'via-subscription');
    await recorder.untilEvents(3);
    expect(recorder.events()).toEqual([viaHttp, viaOwnSocket, viaSubscription]);
    await expect(ws.publish('auth.other', 'no grant')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(createRealtimeClient(testClientOptions(server.url, { transport: 'ws' })).publish('auth.publish', 'anonymous')).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
  });

  it('WebSocket presents the token as a subprotocol, not in the URL, and the server selects herald.v1', async () => {
    const token = await sign({ subscribe: ['auth.subprotocol'] });
    const made: WebSocket[] = [];
    class SpyWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        made.push(this);
      }
    }
    const client = createRealtimeClient(testClientOptions(server.url, { transport: 'ws', WebSocket: SpyWebSocket, auth: { token } }));
    recorder = new Recorder(client, ['auth.subprotocol']);
    await recorder.untilOpen();
    expect(made).toHaveLength(1);
    expect(made[0].url).toBe(server.wsUrl);
    expect(made[0].protocol).toBe('herald.v1');
  });

  it('ends the stream with 401 token_expired when a static token expires (nothing to refresh it with)', async () => {
    const token = await sign({ subscribe: ['auth.static'] }, 1);
    const client = createRealtimeClient(testClientOptions(server.url, { transport: 'ws', auth: { token } }));
    recorder = new Recorder(client, ['auth.static']);
    await recorder.untilOpen();
    await recorder.untilError(4_000);
    expect(recorder.errors[0]).toMatchObject({ status: 401, code: 'token_expired' });
  });

  it('sends an API key as a header: HTTP and Node `ws` work; SSE is unavailable, so auto mode skips it', async () => {
    const auth = { apiKey: API_KEY };
    for (const transport of ['ws', 'long-poll'] as const) {
      const client = createRealtimeClient(testClientOptions(server.url, { transport, auth }));
      recorder = new Recorder(client, ['auth.key']);
      await recorder.untilOpen();
      const sent = await client.publish('auth.key', transport);
      await recorder.untilEvents(1);
      expect(recorder.events()).toEqual([sent]);
      recorder.stop();
    }
    const sse = createRealtimeClient(testClientOptions(server.url, { transport: 'sse', auth }));
    recorder = new Recorder(sse, ['auth.key']);
    await recorder.untilError();
    expect(recorder.errors[0]).toMatchObject({ code: 'unavailable', detail: expect.stringContaining('API key') });
    recorder.stop();

    const auto = new AutoTransport(testClientOptions(server.url, { order: ['sse', 'long-poll'] as const, auth }));
    recorder = new Recorder(auto, ['auth.key']);
    await recorder.untilOpen();
    expect(auto.active).toBe('long-poll');
  });
});
