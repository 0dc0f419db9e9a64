import { ErrorCode } from '@herald/contracts';
import { ResolvedCredentials, whenResolved } from '../auth/credentials';
import { ClientErrorCode, HeraldError, isServerErrorCode, toHeraldError } from '../herald-error';
import type { Link, LinkHandlers } from '../internal/link';
import type { TimerHandle } from '../timers';
import { TransportBase } from '../transport-base';
import type { TransportOptions } from '../transport-options';
import { parseCursor, parseDelivery, parseEnvelope } from '../wire/parse-delivery';
import { isRecord, parseJson, protocolError } from '../wire/parse-json';
import { EVENT_SOURCE_CLOSED, EventSourceLike, MessageEventLike } from './event-source-like';

/**
 * Server-Sent Events over an injected `EventSource`.
 *
 * Resuming: every message's `id` is the cursor after it. A short drop is
 * healed by EventSource itself, which reconnects after the server's `retry`
 * hint sending `Last-Event-ID`. If that one automatic retry fails too, or the
 * EventSource gives up (a non-200 answer), or it is not open within
 * `heartbeatTimeoutMs`, this transport closes it and reconnects on its own
 * schedule (backoff with jitter) with `?since=<last cursor>`.
 *
 * Why the cursor is always known: the server's opening message carries only an
 * `id`, which EventSource does not expose. So when a subscription starts "from
 * now" (no `since`), the link first fetches the current cursor with one short
 * poll and opens the stream with `since` set to it.
 *
 * Dead links: SSE heartbeats are comments, invisible to EventSource, so an open
 * stream that silently stops is not detected here (a quiet topic looks the
 * same); it is detected when TCP or the browser reports the drop. The
 * watchdog covers connecting only.
 *
 * Why a failure is what it is: EventSource never says why it failed, so after
 * a terminal failure the link repeats the request with fetch (presenting the
 * same credentials) and reads the status and problem document
 * (`invalid_cursor` → restart from now with a reset; `token_expired` → refresh
 * and resume; 429 → back off at least `Retry-After`; other 4xx → error).
 *
 * Credentials: EventSource cannot set headers, so a token travels as
 * `?access_token=` (resolved afresh for every EventSource this transport
 * creates; the start-cursor poll and the diagnosis send it as
 * `Authorization: Bearer`). When it expires the server ends the stream with a
 * `close` event (`token_expired`, `id` = the latest cursor): the link closes
 * the EventSource before it can retry with the stale token and the stream
 * resumes at once from that cursor with a fresh token. API keys have no query
 * form, so with `auth.apiKey` this transport is `unavailable`.
 */
export class SseTransport extends TransportBase {
  constructor(options: TransportOptions) {
    super('sse', options);
  }

  protected openLink(topics: string[], since: string | undefined, handlers: LinkHandlers): Link {
    const EventSourceImpl = this.options.EventSource;
    if (!EventSourceImpl) {
      throw new HeraldError(0, ClientErrorCode.Unavailable, 'no EventSource available: pass options.EventSource (e.g. the `eventsource` package in Node)');
    }
    if (this.credentials.kind === 'apiKey') {
      throw new HeraldError(
        0,
        ClientErrorCode.Unavailable,
        'SSE cannot present an API key (EventSource cannot set headers and keys have no query form): use the ws, long-poll or poll transport',
      );
    }
    const { timers, heartbeatTimeoutMs, requestTimeoutMs } = this.options;
    const controller = new AbortController();
    let cursor = since;
    let source: EventSourceLike | undefined;
    let opened = false;
    let retrying = false;
    let closed = false;
    let watchdog: TimerHandle | undefined;

    const streamUrl = (accessToken?: string): string =>
      this.http.url('/api/sse', { topics: topics.join(','), since: cursor, access_token: accessToken });
    const fail = (error: unknown, detail: string): void => {
      if (!closed) handlers.fail(toHeraldError(error, detail));
    };
    const guard =
      (listener: (event: MessageEventLike) => void) =>
      (event: MessageEventLike): void => {
        if (closed) return;
        try {
          listener(event);
        } catch (error) {
          fail(error, 'SSE message rejected');
        }
      };
    const armWatchdog = (what: string): void => {
      if (watchdog !== undefined) timers.clearTimeout(watchdog);
      watchdog = timers.setTimeout(() => {
        watchdog = undefined;
        fail(new HeraldError(0, ClientErrorCode.Timeout, `SSE ${what} not open within ${heartbeatTimeoutMs} ms`), 'SSE');
      }, heartbeatTimeoutMs);
    };
    const disarmWatchdog = (): void => {
      if (watchdog !== undefined) timers.clearTimeout(watchdog);
      watchdog = undefined;
    };

    /** After EventSource gave up: ask the same URL, with the same credentials (as a header), with fetch to learn why. */
    const diagnose = async (credentials: ResolvedCredentials): Promise<void> => {
      const answer = await this.http.send(streamUrl(), {
        headers: { accept: 'text/event-stream' },
        timeoutMs: requestTimeoutMs,
        signal: controller.signal,
        skipSuccessBody: true,
        credentials,
      });
      if (closed) return;
      if (!answer.contentType.startsWith('text/event-stream')) {
        throw new HeraldError(answer.status, ClientErrorCode.Unavailable, `the SSE endpoint answered ${answer.contentType || 'no content type'}, not text/event-stream`);
      }
      throw new HeraldError(0, ClientErrorCode.NetworkError, 'EventSource failed, though the stream endpoint answers');
    };

    /** Opens an EventSource with fresh credentials (the watchdog also bounds an asynchronous token provider). */
    const start = (): void => {
      armWatchdog('stream');
      whenResolved(
        () => this.credentials.resolve(),
        (credentials) => {
          if (!closed) openSource(credentials);
        },
        (error: unknown) => fail(error, 'SSE credentials'),
      );
    };

    const openSource = (credentials: ResolvedCredentials): void => {
      this.recorder.request();
      let es: EventSourceLike;
      try {
        es = new EventSourceImpl(streamUrl(credentials.bearer));
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        fail(new HeraldError(0, ClientErrorCode.Unavailable, `cannot create EventSource: ${detail}`, { cause: error }), 'SSE');
        return;
      }
      source = es;
      es.addEventListener('open', () => {
        if (closed) return;
        disarmWatchdog();
        retrying = false;
        opened = true;
        handlers.open();
      });
      es.addEventListener(
        'message',
        guard((event) => {
          this.recorder.frame(typeof event.data === 'string' ? event.data.length : 0);
          const envelope = parseEnvelope(parseJson(event.data, 'SSE message data'), 'SSE message data');
          cursor = parseCursor(event.lastEventId, 'SSE message id');
          handlers.delivery({ events: [envelope], cursor });
        }),
      );
      es.addEventListener(
        'reset',
        guard((event) => {
          this.recorder.frame(typeof event.data === 'string' ? event.data.length : 0);
          const body = parseJson(event.data, 'SSE reset data');
          if (!isRecord(body) || body['reset'] !== true) throw protocolError('SSE reset data is not {reset: true, cursor}');
          const delivery = parseDelivery({ events: [], cursor: body['cursor'], reset: true }, 'SSE reset data');
          cursor = delivery.cursor;
          handlers.delivery(delivery);
        }),
      );
      es.addEventListener(
        'close',
        guard((event) => {
          // The server ends the stream (today: the credentials expired). Close the EventSource
          // before it retries with what it has, take the cursor, and let the stream decide.
          es.close();
          const body = parseJson(event.data, 'SSE close data');
          const code = isRecord(body) ? body['code'] : undefined;
          const message = isRecord(body) && typeof body['message'] === 'string' ? body['message'] : 'the server ended the stream';
          if (event.lastEventId) {
            cursor = parseCursor(event.lastEventId, 'SSE close id');
            handlers.delivery({ events: [], cursor });
          }
          if (code === ErrorCode.TokenExpired) throw new HeraldError(401, ErrorCode.TokenExpired, message);
          throw new HeraldError(0, ClientErrorCode.ConnectionClosed, `SSE stream closed by the server (${isServerErrorCode(code) ? code : 'no code'}): ${message}`);
        }),
      );
      es.addEventListener('error', () => {
        if (closed) return;
        if (es.readyState === EVENT_SOURCE_CLOSED) {
          disarmWatchdog();
          diagnose(credentials).catch((error: unknown) => fail(error, 'SSE failed'));
        } else if (!opened || retrying) {
          fail(new HeraldError(0, ClientErrorCode.NetworkError, opened ? 'SSE connection lost and not restored' : 'SSE connection failed'), 'SSE');
        } else {
          // EventSource retries once by itself, resuming with Last-Event-ID.
          retrying = true;
          this.recorder.request();
          handlers.retrying('SSE connection lost; EventSource is resuming with Last-Event-ID');
          armWatchdog('reconnect');
        }
      });
    };

    if (cursor === undefined) {
      // Fix "now" as a cursor first, so any reconnect resumes exactly (see the class comment).
      this.http
        .send(this.http.url('/api/poll', { topics: topics.join(','), limit: 1 }), {
          headers: { accept: 'application/json' },
          timeoutMs: requestTimeoutMs,
          signal: controller.signal,
        })
        .then((answer) => {
          if (closed) return;
          const delivery = parseDelivery(parseJson(answer.text, 'poll answer'), 'poll answer');
          cursor = delivery.cursor;
          handlers.delivery(delivery);
          if (!closed) start();
        })
        .catch((error: unknown) => fail(error, 'SSE start cursor'));
    } else {
      start();
    }

    return {
      close: () => {
        closed = true;
        disarmWatchdog();
        controller.abort();
        source?.close();
      },
    };
  }
}
