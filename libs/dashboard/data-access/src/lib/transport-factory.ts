import { inject, InjectionToken } from '@angular/core';
import {
  LongPollTransport,
  PollTransport,
  RealtimeTransport,
  SseTransport,
  TransportName,
  TransportOptions,
  WsTransport,
} from '@herald/client';
import { DASHBOARD_CONFIG } from './dashboard-config';

/** Builds a fresh SDK transport of the given kind. Each call returns a new instance with its own counters. */
export type RealtimeTransportFactory = (name: TransportName) => RealtimeTransport;

/** Builds one of the SDK's four transports (imported one by one so auto mode stays out of the bundle). */
export function createSdkTransport(name: TransportName, options: TransportOptions): RealtimeTransport {
  switch (name) {
    case 'poll':
      return new PollTransport(options);
    case 'long-poll':
      return new LongPollTransport(options);
    case 'sse':
      return new SseTransport(options);
    case 'ws':
      return new WsTransport(options);
  }
}

/** Where the transport services get their SDK transports; unit tests provide fakes here. */
export const REALTIME_TRANSPORT_FACTORY = new InjectionToken<RealtimeTransportFactory>('REALTIME_TRANSPORT_FACTORY', {
  providedIn: 'root',
  factory: () => {
    const config = inject(DASHBOARD_CONFIG);
    return (name) => createSdkTransport(name, { ...config.transport, baseUrl: config.baseUrl });
  },
});
