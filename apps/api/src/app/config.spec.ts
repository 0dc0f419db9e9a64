import { ConfigError, loadConfig, redactUrlPassword } from './config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      bus: 'memory',
      retention: 10_000,
      maxPayloadBytes: 65_536,
      longPollDefaultMs: 25_000,
      longPollMaxMs: 60_000,
      heartbeatMs: 15_000,
      demo: false,
    });
  });

  it('reads values and switches', () => {
    expect(loadConfig({ PORT: '8080', HERALD_DEMO: 'on', HERALD_RETENTION: '5' })).toMatchObject({ port: 8080, demo: true, retention: 5 });
  });

  it('names every bad variable in one clear message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', HERALD_RETENTION: '0', HERALD_DEMO: 'maybe', HERALD_BUS: 'kafka' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT="eighty"', 'HERALD_RETENTION="0"', 'HERALD_DEMO="maybe"', 'HERALD_BUS="kafka"']) expect(message).toContain(name);
  });

  it('refuses a default long-poll wait above the maximum', () => {
    expect(() => loadConfig({ HERALD_LONG_POLL_DEFAULT_MS: '70000' })).toThrow(/HERALD_LONG_POLL_DEFAULT_MS.*must not exceed HERALD_LONG_POLL_MAX_MS/);
  });

  it('selects the Redis bus with its URL and key prefix, and a drain bound', () => {
    expect(
      loadConfig({ HERALD_BUS: 'redis', REDIS_URL: 'redis://127.0.0.1:6390/2', HERALD_REDIS_KEY_PREFIX: 'h1:', HERALD_SHUTDOWN_DRAIN_MS: '1500', HERALD_INSTANCE: 'api-b' }),
    ).toMatchObject({ bus: 'redis', redisUrl: 'redis://127.0.0.1:6390/2', redisKeyPrefix: 'h1:', shutdownDrainMs: 1500, instance: 'api-b' });
    expect(loadConfig({})).toMatchObject({ bus: 'memory', redisUrl: undefined, redisKeyPrefix: 'herald:', shutdownDrainMs: 5000 });
    expect(loadConfig({ PORT: '3001' }).instance).toMatch(/:3001$/);
  });

  it('requires REDIS_URL for the Redis bus', () => {
    expect(() => loadConfig({ HERALD_BUS: 'redis' })).toThrow(/REDIS_URL="": is required when HERALD_BUS=redis/);
  });

  it('names bad Redis settings without echoing a password', () => {
    let message = '';
    try {
      loadConfig({ HERALD_BUS: 'redis', REDIS_URL: 'http://user:s3cret@redis:6379', HERALD_REDIS_KEY_PREFIX: 'has space', HERALD_SHUTDOWN_DRAIN_MS: '-1' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('REDIS_URL="http://user:[redacted]@redis:6379": must be a redis:// or rediss:// URL');
    expect(message).toContain('HERALD_REDIS_KEY_PREFIX="has space"');
    expect(message).toContain('HERALD_SHUTDOWN_DRAIN_MS="-1"');
    expect(message).not.toContain('s3cret');
  });

  it('redacts passwords in URLs', () => {
    expect(redactUrlPassword('redis://:pw@h:6379/0')).toBe('redis://:[redacted]@h:6379/0');
    expect(redactUrlPassword('rediss://u:pw@h')).toBe('rediss://u:[redacted]@h');
    expect(redactUrlPassword('redis://h:6379')).toBe('redis://h:6379');
  });
});

describe('loadConfig: authentication', () => {
  it('refuses to run a production server without authentication', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/HERALD_AUTH.*refuses to run without authentication/);
  });

  it('needs credentials when authentication is on, and never prints secrets', () => {
    expect(() => loadConfig({ HERALD_AUTH: 'on' })).toThrow(/no credentials are configured/);
    let message = '';
    try {
      loadConfig({ HERALD_AUTH: 'on', HERALD_JWT_SECRET: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('HERALD_JWT_SECRET="[redacted]"');
    expect(message).not.toContain('short-secret');
  });

  it('reads JWT settings and API keys', () => {
    const config = loadConfig({
      HERALD_AUTH: 'on',
      NODE_ENV: 'production',
      HERALD_JWT_SECRET: 'x'.repeat(32),
      HERALD_JWT_AUDIENCE: 'herald',
      HERALD_API_KEYS: JSON.stringify({ ['k'.repeat(20)]: { id: 'svc', publish: ['a.*'] } }),
    });
    expect(config.auth).toMatchObject({ mode: 'on', jwt: { audience: 'herald' }, apiKeys: { ['k'.repeat(20)]: { id: 'svc', publish: ['a.*'], subscribe: [] } } });
  });

  it('explains a malformed HERALD_API_KEYS', () => {
    expect(() => loadConfig({ HERALD_AUTH: 'on', HERALD_API_KEYS: '{not json' })).toThrow(/HERALD_API_KEYS="\[redacted\]": must be JSON/);
  });
});
