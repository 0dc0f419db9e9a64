import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import type { Delivery, Envelope, ServerFrame } from '@herald/contracts';

export async function publish(url: string, topic: string, data: unknown, type?: string): Promise<Envelope> {
  const res = await fetch(`${url}/api/topics/${encodeURIComponent(topic)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(type === undefined ? { data } : { type, data }),
  });
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Envelope;
}

export async function getDelivery(url: string, path: string): Promise<{ status: number; delivery: Delivery; headers: Headers }> {
  const res = await fetch(url + path);
  const text = await res.text();
  return { status: res.status, delivery: text ? (JSON.parse(text) as Delivery) : ({} as Delivery), headers: res.headers };
}

/** A WebSocket client that records every frame and lets a test await the next one matching a predicate. */
export class WsClient {
  readonly frames: ServerFrame[] = [];
  private waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async connect(wsUrl: string): Promise<WsClient> {
    const socket = new WebSocket(wsUrl);
    const client = new WsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(event: string, data?: unknown): void {
    this.socket.send(JSON.stringify(data === undefined ? { event } : { event, data }));
  }

  sendRaw(raw: string | Buffer): void {
    this.socket.send(raw);
  }

  next<E extends ServerFrame['event']>(event: E, predicate: (frame: Extract<ServerFrame, { event: E }>) => boolean = () => true, ms = 5000) {
    return new Promise<Extract<ServerFrame, { event: E }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} frame within ${ms} ms`)), ms);
      this.waiters.push({
        match: (f) => f.event === event && predicate(f as Extract<ServerFrame, { event: E }>),
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as Extract<ServerFrame, { event: E }>);
        },
      });
    });
  }

  deliveries(): Envelope[] {
    return this.frames.flatMap((f) => (f.event === 'delivery' ? f.data.events : []));
  }

  lastCursor(): string | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i];
      if (f.event === 'delivery' || f.event === 'subscribed' || f.event === 'unsubscribed') return f.data.cursor;
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export interface SseMessage {
  id: string;
  type: string;
  data: string;
}

/** An `eventsource` client that records messages (envelopes and `reset` events) with their ids. */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly opened: Promise<void>;
  private readonly es: EventSource;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.es = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
    });
    const record = (type: string) => (e: MessageEvent) => this.messages.push({ id: e.lastEventId, type, data: String(e.data) });
    this.es.addEventListener('message', record('message'));
    this.es.addEventListener('reset', record('reset'));
    this.opened = new Promise((resolve, reject) => {
      this.es.addEventListener('open', () => resolve(), { once: true });
      this.es.addEventListener('error', (e) => reject(new Error(`SSE error: ${String((e as { message?: string }).message)}`)), { once: true });
    });
  }

  envelopes(): Envelope[] {
    return this.messages.filter((m) => m.type === 'message').map((m) => JSON.parse(m.data) as Envelope);
  }

  lastId(): string | undefined {
    return this.messages.at(-1)?.id;
  }

  close(): void {
    this.es.close();
  }
}
