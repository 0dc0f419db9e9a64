import { AutoTransport, AutoTransportOptions } from './auto/auto-transport';
import { LongPollTransport } from './long-poll/long-poll-transport';
import { PollTransport } from './poll/poll-transport';
import type { RealtimeTransport, TransportName } from './realtime-transport';
import { SseTransport } from './sse/sse-transport';
import { WsTransport } from './ws/ws-transport';

export interface RealtimeClientOptions extends AutoTransportOptions {
  /** Which transport to use; `auto` (the default) tries ws, sse, long-poll, poll in turn. */
  transport?: 'auto' | TransportName;
}

/** Builds the transport `options.transport` names (auto mode by default). */
export function createRealtimeClient(options: RealtimeClientOptions & { transport?: 'auto' }): AutoTransport;
export function createRealtimeClient(options: RealtimeClientOptions & { transport: 'ws' }): WsTransport;
export function createRealtimeClient(options: RealtimeClientOptions & { transport: 'sse' }): SseTransport;
export function createRealtimeClient(options: RealtimeClientOptions & { transport: 'long-poll' }): LongPollTransport;
export function createRealtimeClient(options: RealtimeClientOptions & { transport: 'poll' }): PollTransport;
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeTransport;
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeTransport {
  switch (options.transport ?? 'auto') {
    case 'ws':
      return new WsTransport(options);
    case 'sse':
      return new SseTransport(options);
    case 'long-poll':
      return new LongPollTransport(options);
    case 'poll':
      return new PollTransport(options);
    case 'auto':
      return new AutoTransport(options);
  }
}
