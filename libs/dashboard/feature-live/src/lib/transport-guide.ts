import type { TransportName } from '@herald/client';

/** What the dashboard says about a transport, and how it draws it. */
export interface TransportGuide {
  readonly name: TransportName;
  readonly label: string;
  /** Line and swatch colour (≥ 3:1 against white). */
  readonly color: string;
  /** Dash pattern, so series differ by more than colour. */
  readonly dash?: string;
  /** The cost that matters for this transport: HTTP requests, or messages on one connection. */
  readonly primary: 'requests' | 'frames';
  /** How it works, one line, for the panel. */
  readonly how: string;
  readonly advantages: readonly string[];
  readonly drawbacks: readonly string[];
  readonly typicalUse: string;
}

export const TRANSPORT_GUIDES: readonly TransportGuide[] = [
  {
    name: 'poll',
    label: 'Short polling',
    color: '#c2410c',
    dash: '7 4',
    primary: 'requests',
    how: 'A GET every second; an unchanged log costs a body-less 304.',
    advantages: ['Plain HTTP GETs: works through any proxy, CDN or firewall', 'Stateless server; ETag / 304 makes idle polls cheap', 'Trivial to debug with curl'],
    drawbacks: ['Latency up to one poll interval', 'Requests even when nothing changes', 'Many clients × short intervals = heavy load'],
    typicalUse: 'Status pages and dashboards that can be a few seconds behind; clients on the most restrictive networks.',
  },
  {
    name: 'long-poll',
    label: 'Long polling',
    color: '#7c3aed',
    dash: '2 3',
    primary: 'requests',
    how: 'The server holds each GET until an event arrives (or the wait ends).',
    advantages: ['Near-real-time over plain HTTP', 'No traffic while nothing happens, beyond one held request', 'Works where streaming responses are buffered'],
    drawbacks: ['A full request (headers and all) per batch', 'One held request per client on the server', 'Proxies with short idle timeouts cut waits'],
    typicalUse: 'Fallback when SSE and WebSocket are blocked; notifications and chat on locked-down networks.',
  },
  {
    name: 'sse',
    label: 'Server-Sent Events',
    color: '#0e7490',
    dash: '10 3 2 3',
    primary: 'frames',
    how: 'One streamed response; the browser resumes with Last-Event-ID.',
    advantages: ['One long HTTP response, one message per event', 'Built-in browser reconnect with Last-Event-ID', 'Plain HTTP: proxies, HTTP/2 multiplexing, auth headers as usual'],
    drawbacks: ['Server → client only (publish over HTTP)', 'Text only', 'HTTP/1.1 allows ~6 connections per origin per browser'],
    typicalUse: 'Live feeds, tickers, notifications and progress updates that flow one way.',
  },
  {
    name: 'ws',
    label: 'WebSocket',
    color: '#15803d',
    primary: 'frames',
    how: 'One socket both ways; subscribes with the cursor on every reconnect.',
    advantages: ['Full duplex: publish and subscribe on one socket, with acks', 'Smallest per-message overhead', 'Lowest latency under load'],
    drawbacks: ['Stateful connections: sticky sessions, harder scale-out', 'Some proxies and firewalls block the upgrade', 'The app owns heartbeats, backpressure and reconnects'],
    typicalUse: 'Chat, collaboration, multiplayer and anything high-frequency in both directions.',
  },
];

export function guideFor(name: TransportName): TransportGuide {
  const guide = TRANSPORT_GUIDES.find((g) => g.name === name);
  if (!guide) throw new Error(`no guide for ${name}`);
  return guide;
}
