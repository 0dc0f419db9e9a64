import { HeraldError, parseRetryAfter, statusOfServerCode } from '../herald-error';
import { PollTransport } from '../poll/poll-transport';
import { FakeFetch } from '../../testing/fake-fetch';
import { createRealtimeClient } from '../create-realtime-client';
import { openWebSocket, wsHandshake } from '../ws/ws-handshake';
import { fakeWebSocketClass } from '../../testing/fake-web-socket';
import type { TokenRequest } from './auth-options';
import { authHeaders, Credentials, validateAuthOptions } from './credentials';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';

describe('Credentials', () => {
  it('presents nothing, a static token or an API key', () => {
    expect(new Credentials(undefined).resolve()).toEqual({});
    expect(new Credentials(undefined).kind).toBe('none');
    expect(new Credentials({ token: 't' }).resolve()).toEqual({ bearer: 't' });
    expect(new Credentials({ token: 't' }).kind).toBe('token');
    expect(new Credentials({ apiKey: 'k' }).resolve()).toEqual({ apiKey: 'k' });
    expect(new Credentials({ apiKey: 'k' }).kind).toBe('apiKey');
  });

  it('asks a provider for every resolve, synchronously when it answers synchronously', () => {
    const reasons: TokenRequest['reason'][] = [];
    const credentials = new Credentials({ token: ({ reason }) => (reasons.push(reason), `t${reasons.length}`) });
    expect(credentials.resolve()).toEqual({ bearer: 't1' });
    expect(credentials.resolve()).toEqual({ bearer: 't2' });
    expect(reasons).toEqual(['connect', 'connect']);
  });

  it('says "expired" to the provider once after expire(), so a caching provider knows to refresh', async () => {
    const reasons: TokenRequest['reason'][] = [];
    const credentials = new Credentials({ token: async ({ reason }) => (reasons.push(reason), reason === 'expired' ? 'fresh' : 'cached') });
    expect(credentials.refreshable).toBe(true);
    await expect(credentials.resolve()).resolves.toEqual({ bearer: 'cached' });
    expect(credentials.expire()).toBe(true);
    await expect(credentials.resolve()).resolves.toEqual({ bearer: 'fresh' });
    await expect(credentials.resolve()).resolves.toEqual({ bearer: 'cached' });
    expect(reasons).toEqual(['connect', 'expired', 'connect']);
  });

  it('cannot refresh a static token, an API key or nothing', () => {
    expect(new Credentials({ token: 't' }).expire()).toBe(false);
    expect(new Credentials({ apiKey: 'k' }).expire()).toBe(false);
    expect(new Credentials(undefined).expire()).toBe(false);
  });

  it('turns a failing provider into auth_provider_failed, but keeps a HeraldError it throws', async () => {
    const throwing = new Credentials({
      token: () => {
        throw new Error('logged out');
      },
    });
    expect(() => throwing.resolve()).toThrow(expect.objectContaining({ code: 'auth_provider_failed', detail: expect.stringContaining('logged out') }));
    await expect(new Credentials({ token: () => Promise.reject(new Error('idp down')) }).resolve()).rejects.toMatchObject({ code: 'auth_provider_failed' });
    await expect(new Credentials({ token: async () => '' }).resolve()).rejects.toMatchObject({ code: 'auth_provider_failed' });
    const own = new HeraldError(0, 'network_error', 'idp unreachable');
    await expect(new Credentials({ token: () => Promise.reject(own) }).resolve()).rejects.toBe(own);
    expect(own.retryable).toBe(true);
    expect(new HeraldError(0, 'auth_provider_failed', 'x').retryable).toBe(false);
  });

  it('puts a token in Authorization: Bearer and a key in X-Api-Key', () => {
    expect(authHeaders({ bearer: 't' })).toEqual({ authorization: 'Bearer t' });
    expect(authHeaders({ apiKey: 'k' })).toEqual({ 'x-api-key': 'k' });
    expect(authHeaders({})).toEqual({});
  });
});

describe('auth options', () => {
  it('rejects shapes no server accepts, at construction', () => {
    expect(() => validateAuthOptions({ token: 't', apiKey: 'k' })).toThrow(TypeError);
    expect(() => validateAuthOptions({ token: '' })).toThrow(TypeError);
    expect(() => validateAuthOptions({ apiKey: '' })).toThrow(TypeError);
    expect(() => validateAuthOptions({ token: 42 as unknown as string })).toThrow(TypeError);
    expect(validateAuthOptions(undefined)).toBeUndefined();
    const fetch = new FakeFetch().fetch;
    expect(() => new PollTransport({ baseUrl: 'http://h.test', fetch, auth: { token: 't', apiKey: 'k' } })).toThrow('not both');
    expect(() => createRealtimeClient({ baseUrl: 'http://h.test', fetch, auth: { token: 't', apiKey: 'k' } })).toThrow('not both');
  });
});

describe('WebSocket handshake', () => {
  it('offers a JWT as the herald.token subprotocol next to herald.v1, keeping it out of the URL', () => {
    expect(wsHandshake('wss://h.test/ws', { bearer: JWT })).toEqual({ url: 'wss://h.test/ws', protocols: ['herald.v1', `herald.token.${JWT}`] });
  });

  it('puts a token that is not a valid subprotocol in ?access_token= instead', () => {
    expect(wsHandshake('wss://h.test/ws', { bearer: 'a/b+c==' })).toEqual({ url: 'wss://h.test/ws?access_token=a%2Fb%2Bc%3D%3D' });
  });

  it('sends an API key as a header through the third constructor argument, and nothing extra without credentials', () => {
    const { WebSocket, sockets } = fakeWebSocketClass();
    openWebSocket(WebSocket, wsHandshake('wss://h.test/ws', { apiKey: 'k' }));
    openWebSocket(WebSocket, wsHandshake('wss://h.test/ws', {}));
    openWebSocket(WebSocket, wsHandshake('wss://h.test/ws', { bearer: JWT }));
    expect(sockets.map((s) => [s.argumentCount, s.protocols, s.options])).toEqual([
      [3, undefined, { headers: { 'X-Api-Key': 'k' } }],
      [1, undefined, undefined],
      [2, ['herald.v1', `herald.token.${JWT}`], undefined],
    ]);
  });
});

describe('HeraldError additions', () => {
  it('gives the auth and rate-limit codes their HTTP status on every transport', () => {
    expect(['unauthorized', 'token_expired', 'forbidden', 'rate_limited', 'invalid_topic'].map((code) => statusOfServerCode(code as never))).toEqual([
      401, 401, 403, 429, 0,
    ]);
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 01 Jan 2029 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(HeraldError.fromHttp(429, JSON.stringify({ code: 'rate_limited', detail: 'slow down' }), 2_000)).toMatchObject({ status: 429, retryAfterMs: 2_000 });
  });
});
