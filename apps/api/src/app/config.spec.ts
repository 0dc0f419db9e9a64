import { ConfigError, loadConfig } from './config';

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
});
