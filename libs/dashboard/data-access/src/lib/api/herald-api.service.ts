import { inject, Injectable, InjectionToken } from '@angular/core';
import type { Envelope, TopicInfo, TransportKind } from '@herald/contracts';
import { ClientErrorCode, HeraldError, RealtimeTransport } from '@herald/client';
import { DASHBOARD_CONFIG } from '../dashboard-config';
import { REALTIME_TRANSPORT_FACTORY } from '../transport-factory';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** The fetch the dashboard's own REST calls use; tests provide a fake. */
export const HERALD_FETCH = new InjectionToken<FetchFn>('HERALD_FETCH', {
  providedIn: 'root',
  factory: () => (input, init) => globalThis.fetch(input, init),
});

const KINDS: readonly TransportKind[] = ['poll', 'longPoll', 'sse', 'ws'];

/**
 * Herald's REST calls that are not subscriptions. Every failure is a
 * `HeraldError`: `network_error` when the server could not be reached, or the
 * server's problem document (`status`, `code`, `detail`).
 */
@Injectable({ providedIn: 'root' })
export class HeraldApi {
  private readonly config = inject(DASHBOARD_CONFIG);
  private readonly fetch = inject(HERALD_FETCH);
  private readonly createTransport = inject(REALTIME_TRANSPORT_FACTORY);
  private publisher: RealtimeTransport | undefined;

  /** `GET /api/topics`: every known topic with its latest position, retained count and subscribers per transport. */
  async listTopics(signal?: AbortSignal): Promise<TopicInfo[]> {
    const url = `${this.config.baseUrl}/api/topics`;
    let text: string;
    let status: number;
    try {
      const response = await this.fetch(url, { headers: { accept: 'application/json' }, signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const aborted = signal?.aborted === true;
      const message = error instanceof Error ? error.message : String(error);
      throw new HeraldError(0, aborted ? ClientErrorCode.Timeout : ClientErrorCode.NetworkError, aborted ? `no answer from ${url}` : `cannot reach ${url}: ${message}`, {
        cause: error,
      });
    }
    if (status < 200 || status >= 300) throw HeraldError.fromHttp(status, text);
    return parseTopicList(text);
  }

  /** `POST /api/topics/{topic}/events` through the SDK; resolves with the stored envelope. */
  publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    this.publisher ??= this.createTransport('poll');
    return this.publisher.publish(topic, data, type);
  }
}

/** Parses `{topics: TopicInfo[]}`, tolerating missing subscriber counts; throws `protocol_error` on anything else. */
export function parseTopicList(text: string): TopicInfo[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HeraldError(0, ClientErrorCode.ProtocolError, 'the topic list is not JSON');
  }
  const topics = (body as { topics?: unknown } | null)?.topics;
  if (!Array.isArray(topics)) throw new HeraldError(0, ClientErrorCode.ProtocolError, 'the topic list has no "topics" array');
  return topics.map((item: unknown) => {
    const row = (item ?? {}) as Partial<Record<keyof TopicInfo, unknown>>;
    if (typeof row.name !== 'string') throw new HeraldError(0, ClientErrorCode.ProtocolError, 'a topic without a name');
    const subscribers = (row.subscribers ?? {}) as Partial<Record<TransportKind, unknown>>;
    return {
      name: row.name,
      latest: typeof row.latest === 'number' ? row.latest : 0,
      retained: typeof row.retained === 'number' ? row.retained : 0,
      subscribers: Object.fromEntries(KINDS.map((kind) => [kind, typeof subscribers[kind] === 'number' ? subscribers[kind] : 0])) as Record<TransportKind, number>,
    };
  });
}
