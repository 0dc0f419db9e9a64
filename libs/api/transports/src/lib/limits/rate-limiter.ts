import { OnModuleDestroy } from '@nestjs/common';
import { ErrorCode } from '@herald/contracts';
import { ProblemException } from '../http/problem.exception';
import { TransportOptions } from '../transport-options';

export type RateBucket = 'publish' | 'connect';

/** 429 `rate_limited`, telling the client when to retry. */
export class RateLimitedException extends ProblemException {
  constructor(
    what: string,
    readonly retryAfterSec: number,
  ) {
    super(429, ErrorCode.RateLimited, `too many ${what}; retry in ${retryAfterSec} s`);
  }
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token-bucket rate limits: publishes per caller (principal, or address when
 * anonymous) and connection attempts (poll, long poll, SSE, WS upgrade) per
 * address, each with a per-minute budget that refills continuously and allows
 * a burst of one minute's worth. O(1) per check. (@nestjs/throttler's storage
 * keeps one timestamp per hit, which is O(limit) per check at these budgets.)
 * Idle buckets are swept every minute, so memory stays bounded by active callers.
 */
export class RateLimiter implements OnModuleDestroy {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly options: TransportOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.sweep = setInterval(() => this.evictFull(), 60_000);
    this.sweep.unref();
  }

  /** Takes one token or throws `RateLimitedException`. */
  consume(bucket: RateBucket, key: string): void {
    const perMinute = bucket === 'publish' ? this.options.publishesPerMinute : this.options.connectionAttemptsPerMinute;
    if (perMinute <= 0) return;
    const id = bucket + '|' + key;
    const now = this.now();
    const state = this.buckets.get(id) ?? { tokens: perMinute, updatedAt: now };
    state.tokens = Math.min(perMinute, state.tokens + ((now - state.updatedAt) * perMinute) / 60_000);
    state.updatedAt = now;
    if (state.tokens < 1) {
      this.buckets.set(id, state);
      throw new RateLimitedException(bucket === 'publish' ? 'publishes' : 'connection attempts', Math.max(1, Math.ceil(((1 - state.tokens) * 60) / perMinute)));
    }
    state.tokens -= 1;
    this.buckets.set(id, state);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweep);
  }

  /** Buckets that have refilled completely hold no information; drop them. */
  private evictFull(): void {
    const now = this.now();
    for (const [id, state] of this.buckets) {
      if (now - state.updatedAt >= 60_000) this.buckets.delete(id);
    }
  }
}
