import { hostname } from 'node:os';
import { z } from 'zod';
import { apiKeysSchema, type ApiKeyGrants, type JwtOptions } from '@herald/security';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((value) => value === 'on' || value === 'true' || value === '1');

/** Every environment variable Herald reads, with its default. */
const envSchema = z
  .object({
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    HERALD_BUS: z.enum(['memory', 'redis']).default('memory'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0')
      .optional(),
    HERALD_REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9{}:._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 { } : . _ -')
      .default('herald:'),
    HERALD_RETENTION: int(1, 1_000_000).default(10_000),
    HERALD_MAX_TOPICS: int(1, 1_000_000).default(10_000),
    HERALD_MAX_PAYLOAD_BYTES: int(1, 16 * 1024 * 1024).default(64 * 1024),
    HERALD_MAX_TOPICS_PER_SUBSCRIPTION: int(1, 1024).default(32),
    HERALD_MAX_TOPICS_PER_SOCKET: int(1, 10_000).default(256),
    HERALD_POLL_DEFAULT_LIMIT: int(1, 10_000).default(100),
    HERALD_POLL_MAX_LIMIT: int(1, 10_000).default(1000),
    HERALD_LONG_POLL_DEFAULT_MS: int(0, 600_000).default(25_000),
    HERALD_LONG_POLL_MAX_MS: int(0, 600_000).default(60_000),
    HERALD_HEARTBEAT_MS: int(10, 3_600_000).default(15_000),
    HERALD_SSE_RETRY_MS: int(0, 3_600_000).default(3_000),
    HERALD_WS_PING_MS: int(10, 3_600_000).default(30_000),
    HERALD_WS_MAX_BUFFERED_BYTES: int(1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
    HERALD_SHUTDOWN_DRAIN_MS: int(0, 120_000).default(5_000),
    HERALD_INSTANCE: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ : -')
      .optional(),
    HERALD_DEMO: onOff.default(false),
    HERALD_DEMO_INTERVAL_MS: int(10, 3_600_000).default(1000),
    HERALD_DASHBOARD_DIR: z.string().min(1).default('dist/apps/dashboard/browser'),
    HERALD_CORS_ORIGINS: z.string().default(''),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HERALD_MAX_CONNECTIONS: int(1, 10_000_000).default(20_000),
    HERALD_MAX_CONNECTIONS_PER_IP: int(1, 10_000_000).default(256),
    HERALD_RATE_PUBLISH_PER_MIN: int(0, 100_000_000).default(6_000),
    HERALD_RATE_CONNECT_PER_MIN: int(0, 100_000_000).default(1_200),
    HERALD_TRUST_PROXY: onOff.default(false),
    HERALD_AUTH: z.enum(['on', 'off']).default('off'),
    HERALD_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    HERALD_JWT_JWKS_URL: z.string().url().optional(),
    HERALD_JWT_ISSUER: z.string().min(1).optional(),
    HERALD_JWT_AUDIENCE: z.string().min(1).optional(),
    HERALD_API_KEYS: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<key>": {"id": "...", "subscribe": [...], "publish": [...]}}' });
          return z.NEVER;
        }
      })
      .pipe(apiKeysSchema)
      .optional(),
    HERALD_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    HERALD_DIRECT_READS: onOff.default(true),
  })
  .refine((env) => env.HERALD_LONG_POLL_DEFAULT_MS <= env.HERALD_LONG_POLL_MAX_MS, {
    message: 'must not exceed HERALD_LONG_POLL_MAX_MS',
    path: ['HERALD_LONG_POLL_DEFAULT_MS'],
  })
  .refine((env) => env.HERALD_POLL_DEFAULT_LIMIT <= env.HERALD_POLL_MAX_LIMIT, {
    message: 'must not exceed HERALD_POLL_MAX_LIMIT',
    path: ['HERALD_POLL_DEFAULT_LIMIT'],
  })
  .refine((env) => env.HERALD_AUTH === 'on' || env.NODE_ENV !== 'production', {
    message: 'must be "on" when NODE_ENV=production: a production server refuses to run without authentication',
    path: ['HERALD_AUTH'],
  })
  .refine((env) => env.HERALD_AUTH === 'off' || env.HERALD_JWT_SECRET || env.HERALD_JWT_JWKS_URL || env.HERALD_API_KEYS, {
    message: 'is "on" but no credentials are configured: set HERALD_JWT_SECRET, HERALD_JWT_JWKS_URL or HERALD_API_KEYS',
    path: ['HERALD_AUTH'],
  })
  .refine((env) => !(env.HERALD_JWT_SECRET && env.HERALD_JWT_JWKS_URL), {
    message: 'set either HERALD_JWT_SECRET or HERALD_JWT_JWKS_URL, not both',
    path: ['HERALD_JWT_JWKS_URL'],
  })
  .refine((env) => env.HERALD_BUS !== 'redis' || env.REDIS_URL !== undefined, {
    message: 'is required when HERALD_BUS=redis',
    path: ['REDIS_URL'],
  });

export type HeraldEnv = z.infer<typeof envSchema>;

export interface HeraldConfig {
  port: number;
  host: string;
  bus: HeraldEnv['HERALD_BUS'];
  /** Where the Redis bus connects (set when `bus` is `redis`); may hold a password, so never log it as is. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key; instances with the same Redis and prefix share one log. */
  redisKeyPrefix: string;
  retention: number;
  maxTopics: number;
  maxPayloadBytes: number;
  maxTopicsPerSubscription: number;
  maxTopicsPerSocket: number;
  pollDefaultLimit: number;
  pollMaxLimit: number;
  longPollDefaultMs: number;
  longPollMaxMs: number;
  heartbeatMs: number;
  sseRetryMs: number;
  wsPingMs: number;
  wsMaxBufferedBytes: number;
  /**
   * Longest wait on SIGTERM for SSE streams and long polls to be answered; the
   * process exits at the latest shortly after it, whatever is still open.
   */
  shutdownDrainMs: number;
  /** This instance's name in health answers and logs (default: the host name). */
  instance: string;
  demo: boolean;
  demoIntervalMs: number;
  /** Origins allowed by CORS and for WebSocket upgrades besides the server's own; `*` allows any. */
  corsOrigins: string[];
  maxConnections: number;
  maxConnectionsPerIp: number;
  publishesPerMinute: number;
  connectionAttemptsPerMinute: number;
  /** Client addresses come from X-Forwarded-For (set only behind a trusted proxy). */
  trustProxy: boolean;
  /** Authentication: off (local development, everyone has full access) or enforced with JWTs and/or API keys. */
  auth: { mode: 'off' } | { mode: 'on'; jwt?: JwtOptions; apiKeys?: ApiKeyGrants };
  /** The built dashboard served at `/` (relative paths are from the working directory). */
  dashboardDir: string;
  logLevel: HeraldEnv['HERALD_LOG_LEVEL'];
  /**
   * Poll, long poll and SSE served straight from Node's HTTP server by the same handlers, with the
   * same checks, instead of through Express and Nest's router (see DirectReadRoutes). Off: every
   * request goes through Nest (the same answers, at several times the CPU and memory per request).
   */
  directReads: boolean;
}

/** Variables whose values never appear in an error message or a log. */
const SECRET_VARIABLES = new Set(['HERALD_JWT_SECRET', 'HERALD_API_KEYS']);

/** A bad environment: the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment; throws `ConfigError` listing every bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): HeraldConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const shown =
        name === 'REDIS_URL'
          ? redactUrlPassword(env[name] ?? '')
          : SECRET_VARIABLES.has(name) && env[name]
            ? '[redacted]'
            : (env[name] ?? '');
      return `  ${name}=${JSON.stringify(shown)}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    bus: e.HERALD_BUS,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.HERALD_REDIS_KEY_PREFIX,
    retention: e.HERALD_RETENTION,
    maxTopics: e.HERALD_MAX_TOPICS,
    maxPayloadBytes: e.HERALD_MAX_PAYLOAD_BYTES,
    maxTopicsPerSubscription: e.HERALD_MAX_TOPICS_PER_SUBSCRIPTION,
    maxTopicsPerSocket: e.HERALD_MAX_TOPICS_PER_SOCKET,
    pollDefaultLimit: e.HERALD_POLL_DEFAULT_LIMIT,
    pollMaxLimit: e.HERALD_POLL_MAX_LIMIT,
    longPollDefaultMs: e.HERALD_LONG_POLL_DEFAULT_MS,
    longPollMaxMs: e.HERALD_LONG_POLL_MAX_MS,
    heartbeatMs: e.HERALD_HEARTBEAT_MS,
    sseRetryMs: e.HERALD_SSE_RETRY_MS,
    wsPingMs: e.HERALD_WS_PING_MS,
    wsMaxBufferedBytes: e.HERALD_WS_MAX_BUFFERED_BYTES,
    shutdownDrainMs: e.HERALD_SHUTDOWN_DRAIN_MS,
    instance: e.HERALD_INSTANCE ?? `${hostname()}:${e.PORT}`,
    demo: e.HERALD_DEMO,
    demoIntervalMs: e.HERALD_DEMO_INTERVAL_MS,
    dashboardDir: e.HERALD_DASHBOARD_DIR,
    corsOrigins: e.HERALD_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    maxConnections: e.HERALD_MAX_CONNECTIONS,
    maxConnectionsPerIp: e.HERALD_MAX_CONNECTIONS_PER_IP,
    publishesPerMinute: e.HERALD_RATE_PUBLISH_PER_MIN,
    connectionAttemptsPerMinute: e.HERALD_RATE_CONNECT_PER_MIN,
    trustProxy: e.HERALD_TRUST_PROXY,
    auth:
      e.HERALD_AUTH === 'off'
        ? { mode: 'off' }
        : {
            mode: 'on',
            jwt:
              e.HERALD_JWT_SECRET || e.HERALD_JWT_JWKS_URL
                ? { secret: e.HERALD_JWT_SECRET, jwksUrl: e.HERALD_JWT_JWKS_URL, issuer: e.HERALD_JWT_ISSUER, audience: e.HERALD_JWT_AUDIENCE }
                : undefined,
            apiKeys: e.HERALD_API_KEYS,
          },
    logLevel: e.HERALD_LOG_LEVEL,
    directReads: e.HERALD_DIRECT_READS,
  };
}

/** The URL with any password replaced, for logs and error messages. */
export function redactUrlPassword(url: string): string {
  return url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1[redacted]@');
}
