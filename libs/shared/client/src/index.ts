// Transports and the factory.
export { createRealtimeClient } from './lib/create-realtime-client';
export type { RealtimeClientOptions } from './lib/create-realtime-client';
export { AutoTransport } from './lib/auto/auto-transport';
export type { AutoTransportOptions, NamedTransport } from './lib/auto/auto-transport';
export { WsTransport } from './lib/ws/ws-transport';
export { SseTransport } from './lib/sse/sse-transport';
export { LongPollTransport } from './lib/long-poll/long-poll-transport';
export { PollTransport } from './lib/poll/poll-transport';

// The contract every transport keeps, and its options.
export { TRANSPORT_NAMES } from './lib/realtime-transport';
export type { RealtimeTransport, SubscribeOptions, TransportName } from './lib/realtime-transport';
export type { FetchLike, TransportOptions } from './lib/transport-options';
export type { AuthOptions, TokenProvider, TokenRequest } from './lib/auth/auth-options';
export { IDLE_STATE } from './lib/connection-state';
export type { ConnectionState, ConnectionStatus } from './lib/connection-state';
export { ClientErrorCode, HeraldError, isHeraldError } from './lib/herald-error';
export type { HeraldErrorCode, HeraldErrorOptions } from './lib/herald-error';

// Injected platform pieces.
export type { EventSourceConstructor, EventSourceLike, MessageEventLike } from './lib/sse/event-source-like';
export type { CloseEventLike, WebSocketClientOptionsLike, WebSocketConstructor, WebSocketLike } from './lib/ws/web-socket-like';
export { systemTimers } from './lib/timers';
export type { TimerHandle, Timers } from './lib/timers';

// Building blocks, useful on their own.
export { backoffDelay, DEFAULT_BACKOFF } from './lib/backoff';
export type { BackoffOptions } from './lib/backoff';
export { percentile } from './lib/stats/percentile';
export { LatencyRing } from './lib/stats/latency-ring';
export type { LatencySummary, TransportStats } from './lib/stats/transport-stats';
export { parseServerFrame } from './lib/wire/parse-server-frame';
export { parseDelivery, parseEnvelope } from './lib/wire/parse-delivery';
