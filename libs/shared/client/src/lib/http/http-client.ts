import { Envelope, ErrorCode, PublishRequest } from '@herald/contracts';
import { authHeaders, Credentials, isPromiseLike, ResolvedCredentials } from '../auth/credentials';
import { ClientErrorCode, HeraldError, isHeraldError, parseRetryAfter } from '../herald-error';
import type { StatsRecorder } from '../stats/transport-stats';
import type { ResolvedOptions } from '../transport-options';
import { parseEnvelope } from '../wire/parse-delivery';
import { parseJson } from '../wire/parse-json';

export interface HttpAnswer {
  status: number;
  text: string;
  contentType: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange (headers and body) must finish within this many ms. */
  timeoutMs: number;
  /** Aborting it cancels the request; the promise then rejects with a `network_error` nobody should report. */
  signal?: AbortSignal;
  /** Do not read a 2xx body (it may be an endless stream): cancel it and answer with `text: ''`. */
  skipSuccessBody?: boolean;
  /**
   * Present exactly these credentials (a probe repeating what a socket or
   * EventSource presented); by default they are resolved afresh for the request.
   */
  credentials?: ResolvedCredentials;
}

/** Settles like `promise`, or rejects as soon as `signal` aborts (a provider cannot be cancelled, only stopped waiting for). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * fetch with the SDK's rules: every request has a deadline (which also bounds
 * an asynchronous token provider), carries the credentials (`Authorization:
 * Bearer` or `X-Api-Key`), counts in the transport's statistics, and anything
 * but a 2xx or 304 answer becomes a `HeraldError` (a problem+json body's `code`
 * is kept, a readable `Retry-After` becomes `retryAfterMs`).
 */
export class HttpClient {
  constructor(
    private readonly options: ResolvedOptions,
    private readonly stats: StatsRecorder,
    private readonly credentials: Credentials = new Credentials(undefined),
  ) {}

  /** `baseUrl + path`, with the query parameters that are defined. */
  url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const params = Object.entries(query)
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    return this.options.baseUrl + path + (params.length ? `?${params.join('&')}` : '');
  }

  async send(url: string, request: HttpRequest): Promise<HttpAnswer> {
    const { timers } = this.options;
    const controller = new AbortController();
    let timedOut = false;
    const timer = timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    const onAbort = (): void => {
      timers.clearTimeout(timer);
      controller.abort();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) controller.abort();
    this.stats.request();
    try {
      let credentials = request.credentials ?? this.credentials.resolve();
      if (isPromiseLike(credentials)) credentials = await untilAborted(Promise.resolve(credentials), controller.signal);
      const auth = authHeaders(credentials);
      const response = await this.options.fetch(url, {
        method: request.method ?? 'GET',
        headers: Object.keys(auth).length === 0 ? request.headers : { ...request.headers, ...auth },
        body: request.body,
        signal: controller.signal,
      });
      const success = response.status === 304 || (response.status >= 200 && response.status < 300);
      const contentType = response.headers.get('content-type') ?? '';
      if (success && request.skipSuccessBody) {
        controller.abort();
        await response.body?.cancel().catch(() => undefined);
        return { status: response.status, text: '', contentType };
      }
      const text = response.status === 304 ? '' : await response.text();
      this.stats.frame(text.length);
      if (success) return { status: response.status, text, contentType };
      throw HeraldError.fromHttp(response.status, text, parseRetryAfter(response.headers.get('retry-after'), timers.now()));
    } catch (error) {
      if (isHeraldError(error)) throw error;
      if (timedOut) {
        throw new HeraldError(0, ClientErrorCode.Timeout, `no answer from ${stripQuery(url)} within ${request.timeoutMs} ms`, { cause: error });
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new HeraldError(0, ClientErrorCode.NetworkError, `request to ${stripQuery(url)} failed: ${message}`, { cause: error });
    } finally {
      timers.clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * `POST /api/topics/{topic}/events`; resolves with the stored envelope (HTTP 201).
   * A 401 `token_expired` is answered before anything is stored, so with a
   * token provider the publish is sent once more with a fresh token.
   */
  async publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    const body: PublishRequest = type === undefined ? { data } : { type, data };
    const send = () =>
      this.send(this.url(`/api/topics/${encodeURIComponent(topic)}/events`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.options.requestTimeoutMs,
      });
    let answer: HttpAnswer;
    try {
      answer = await send();
    } catch (error) {
      if (!(isHeraldError(error) && error.code === ErrorCode.TokenExpired && this.credentials.expire())) throw error;
      answer = await send();
    }
    return parseEnvelope(parseJson(answer.text, 'publish answer'), 'publish answer');
  }
}

function stripQuery(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at);
}
