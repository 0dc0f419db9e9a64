import { TransportOptions } from '../transport-options';
import { RateLimitedException, RateLimiter } from './rate-limiter';

describe('RateLimiter (injected clock)', () => {
  it('allows a minute of budget as a burst, refills continuously, and says when to retry', () => {
    let now = 0;
    const limiter = new RateLimiter(new TransportOptions({ publishesPerMinute: 60 }), () => now);
    for (let i = 0; i < 60; i++) limiter.consume('publish', 'alice');
    let error: unknown;
    try {
      limiter.consume('publish', 'alice');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RateLimitedException);
    expect((error as RateLimitedException).retryAfterSec).toBe(1);
    expect((error as RateLimitedException).getStatus()).toBe(429);
    limiter.consume('publish', 'bob'); // others are unaffected
    now += 1000; // one token back
    limiter.consume('publish', 'alice');
    expect(() => limiter.consume('publish', 'alice')).toThrow(RateLimitedException);
    limiter.onModuleDestroy();
  });

  it('is off with a budget of 0', () => {
    const limiter = new RateLimiter(new TransportOptions({ connectionAttemptsPerMinute: 0 }));
    for (let i = 0; i < 10_000; i++) limiter.consume('connect', 'x');
    limiter.onModuleDestroy();
  });
});
