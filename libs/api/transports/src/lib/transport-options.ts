/**
 * The limits and intervals every transport obeys. The app provides one
 * instance (from validated environment config); defaults are the documented ones.
 */
export class TransportOptions {
  /** Largest serialized `data` of one event, in bytes. */
  maxPayloadBytes = 64 * 1024;
  /** Most topics one subscription (poll, long poll, SSE request) may name. */
  maxTopicsPerSubscription = 32;
  /** Most topics one WebSocket may be subscribed to at once. */
  maxTopicsPerSocket = 256;
  /** Events per poll / long-poll answer when `limit` is omitted, and the most allowed. */
  defaultLimit = 100;
  maxLimit = 1000;
  /** Long-poll wait when `timeout` is omitted, and the most allowed (ms). */
  longPollDefaultTimeoutMs = 25_000;
  longPollMaxTimeoutMs = 60_000;
  /** SSE heartbeat comment and WS heartbeat frame interval (ms). */
  heartbeatMs = 15_000;
  /** Reconnect delay suggested to EventSource clients (`retry:`), ms. */
  sseRetryMs = 3_000;
  /** WS protocol ping interval; a peer that misses one pong is terminated (ms). */
  wsPingMs = 30_000;
  /** Bytes queued for one WebSocket before it is closed as a slow consumer. */
  wsMaxBufferedBytes = 4 * 1024 * 1024;

  /** Most open SSE streams, WebSockets and waiting long polls, in total and per client address. */
  maxConnections = 20_000;
  maxConnectionsPerAddress = 256;
  /** Per minute: publishes per caller, connection attempts (poll, long poll, SSE, WS) per address; 0 = unlimited. */
  publishesPerMinute = 6_000;
  connectionAttemptsPerMinute = 1_200;
  /** Take the client address from X-Forwarded-For (only behind a trusted proxy). */
  trustProxy = false;

  /** Longest wait on shutdown for SSE streams and long polls to be answered (ms). */
  shutdownDrainMs = 2_000;

  constructor(overrides: Partial<TransportOptions> = {}) {
    Object.assign(this, overrides);
  }
}
