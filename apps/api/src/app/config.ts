import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((value) => value === 'on' || value === 'true' || value === '1');

/** Every environment variable Herald reads, with its default. */
const envSchema = z
  .object({
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    HERALD_BUS: z.enum(['memory']).default('memory'),
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
    HERALD_DEMO: onOff.default(false),
    HERALD_DEMO_INTERVAL_MS: int(10, 3_600_000).default(1000),
    HERALD_DASHBOARD_DIR: z.string().min(1).default('dist/apps/dashboard/browser'),
    HERALD_CORS_ORIGINS: z.string().default(''),
    HERALD_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  })
  .refine((env) => env.HERALD_LONG_POLL_DEFAULT_MS <= env.HERALD_LONG_POLL_MAX_MS, {
    message: 'must not exceed HERALD_LONG_POLL_MAX_MS',
    path: ['HERALD_LONG_POLL_DEFAULT_MS'],
  })
  .refine((env) => env.HERALD_POLL_DEFAULT_LIMIT <= env.HERALD_POLL_MAX_LIMIT, {
    message: 'must not exceed HERALD_POLL_MAX_LIMIT',
    path: ['HERALD_POLL_DEFAULT_LIMIT'],
  });

export type HeraldEnv = z.infer<typeof envSchema>;

export interface HeraldConfig {
  port: number;
  host: string;
  bus: 'memory';
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
  demo: boolean;
  demoIntervalMs: number;
  /** Origins allowed by CORS and for WebSocket upgrades besides the server's own; `*` allows any. */
  corsOrigins: string[];
  /** The built dashboard served at `/` (relative paths are from the working directory). */
  dashboardDir: string;
  logLevel: HeraldEnv['HERALD_LOG_LEVEL'];
}

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
      return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    bus: e.HERALD_BUS,
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
    demo: e.HERALD_DEMO,
    demoIntervalMs: e.HERALD_DEMO_INTERVAL_MS,
    dashboardDir: e.HERALD_DASHBOARD_DIR,
    corsOrigins: e.HERALD_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    logLevel: e.HERALD_LOG_LEVEL,
  };
}
