import type { EventSourceConstructor, EventSourceLike, MessageEventLike } from '../lib/sse/event-source-like';

/** A scripted EventSource: the test opens it, sends events and fails it. */
export class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEventLike) => void)[]>();

  constructor(readonly url: string) {}

  get query(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  addEventListener(type: string, listener: (event: MessageEventLike) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.emit('open', { data: undefined });
  }

  message(data: unknown, id: string, type = 'message'): void {
    this.emit(type, { data: typeof data === 'string' ? data : JSON.stringify(data), lastEventId: id });
  }

  /** An error; `reconnecting` true mimics EventSource retrying by itself, false giving up. */
  error(reconnecting: boolean): void {
    this.readyState = reconnecting ? 0 : 2;
    this.emit('error', { data: undefined });
  }

  private emit(type: string, event: MessageEventLike): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

export function fakeEventSourceClass(): { EventSource: EventSourceConstructor; sources: FakeEventSource[] } {
  const sources: FakeEventSource[] = [];
  class Recorded extends FakeEventSource {
    constructor(url: string) {
      super(url);
      sources.push(this);
    }
  }
  return { EventSource: Recorded, sources };
}
