import { SignJWT } from 'jose';
import { ApiKeyAuthenticator, apiKeysSchema } from './api-key-authenticator';
import { extractCredentials } from './credentials';
import { AuthenticationError } from './errors';
import { HeraldAuthenticator } from './herald-authenticator';
import { JwtAuthenticator } from './jwt-authenticator';
import { Principal } from './principal';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

async function token(claims: Record<string, unknown>, options: { secret?: string; exp?: string | number; aud?: string; iss?: string } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setSubject('user-1');
  jwt = jwt.setExpirationTime(options.exp ?? '1h');
  if (options.aud) jwt = jwt.setAudience(options.aud);
  if (options.iss) jwt = jwt.setIssuer(options.iss);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe('Principal topic patterns', () => {
  const p = new Principal('u', ['ticker', 'chat.*', '*.public'], ['chat.room1']);
  it.each([
    ['ticker', true],
    ['tickers', false],
    ['chat.room1', true],
    ['chat.', true],
    ['chatroom', false],
    ['news.public', true],
    ['news.private', false],
  ])('subscribe %s → %s', (topic, allowed) => expect(p.canSubscribe(topic)).toBe(allowed));
  it('publish is granted separately', () => {
    expect(p.canPublish('chat.room1')).toBe(true);
    expect(p.canPublish('chat.room2')).toBe(false);
    expect(p.canPublish('ticker')).toBe(false);
  });
  it('never matches an invalid topic name, even with *', () => {
    expect(Principal.anonymousFullAccess().canSubscribe('bad\nname')).toBe(false);
  });
});

describe('extractCredentials', () => {
  it('reads bearer, API key, access_token and the WS subprotocol, in that order', () => {
    expect(extractCredentials({ authorization: 'Bearer abc' }, '/api/sse?access_token=zzz')).toEqual({ bearer: 'abc' });
    expect(extractCredentials({ authorization: 'ApiKey k' }, undefined)).toEqual({ apiKey: 'k' });
    expect(extractCredentials({ 'x-api-key': 'k2' }, undefined)).toEqual({ apiKey: 'k2' });
    expect(extractCredentials({}, '/api/sse?topics=a&access_token=t1')).toEqual({ bearer: 't1' });
    expect(extractCredentials({ 'sec-websocket-protocol': 'herald.v1, herald.token.t2' }, '/ws')).toEqual({ bearer: 't2' });
    expect(extractCredentials({}, '/ws')).toEqual({});
  });
});

describe('JwtAuthenticator', () => {
  const jwt = new JwtAuthenticator({ secret: SECRET, audience: 'herald', issuer: 'https://issuer.test' });
  const good = (o: Parameters<typeof token>[1] = {}) =>
    token({ herald: { subscribe: ['a.*'], publish: ['a.x'] } }, { aud: 'herald', iss: 'https://issuer.test', ...o });

  it('accepts a valid token and maps its claims', async () => {
    const principal = await jwt.authenticate(await good());
    expect(principal.id).toBe('jwt:user-1');
    expect(principal.canSubscribe('a.y')).toBe(true);
    expect(principal.canPublish('a.x')).toBe(true);
    expect(principal.canPublish('a.y')).toBe(false);
    expect(principal.expiresAt).toBeGreaterThan(Date.now());
  });

  it.each([
    ['expired', () => good({ exp: Math.floor(Date.now() / 1000) - 60 }), 'token_expired'],
    ['wrong audience', () => good({ aud: 'someone-else' }), 'invalid'],
    ['wrong issuer', () => good({ iss: 'https://evil.test' }), 'invalid'],
    ['forged (other secret)', () => good({ secret: 'another-secret-that-is-also-32-bytes-long!' }), 'invalid'],
    ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","exp":9999999999}').toString('base64url')}.`, 'invalid'],
    ['garbage', async () => 'not.a.jwt', 'invalid'],
  ])('rejects a %s token', async (_label, make, reason) => {
    const error = await jwt.authenticate(await make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe(reason);
  });
});

describe('API keys and the composite authenticator', () => {
  const grants = apiKeysSchema.parse({ 'service-key-0123456789': { id: 'billing', publish: ['billing.*'] } });
  const keys = new ApiKeyAuthenticator(grants);
  const auth = new HeraldAuthenticator(new JwtAuthenticator({ secret: SECRET }), keys);

  it('maps a known key to its grant and rejects others', async () => {
    const principal = await auth.authenticate({ apiKey: 'service-key-0123456789' });
    expect(principal.id).toBe('key:billing');
    expect(principal.canPublish('billing.invoices')).toBe(true);
    expect(principal.canSubscribe('billing.invoices')).toBe(false);
    await expect(auth.authenticate({ apiKey: 'service-key-0123456788' })).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('says "missing" when nothing was presented', async () => {
    await expect(auth.authenticate({})).rejects.toMatchObject({ reason: 'missing' });
  });

  it('refuses short keys in the configuration', () => {
    expect(apiKeysSchema.safeParse({ short: { id: 'x' } }).success).toBe(false);
  });
});
