import { ErrorCode } from '@herald/contracts';

/**
 * Codes the client itself reports, for failures that never reached (or never
 * came from) Herald's problem documents / error frames.
 */
export const ClientErrorCode = {
  /** The request or connection could not be made or broke off (DNS, refused, reset). */
  NetworkError: 'network_error',
  /** No answer (or no frame / heartbeat) within the configured time. */
  Timeout: 'timeout',
  /** The server sent something that is not Herald's wire format: bad JSON, unknown frame, wrong shape. */
  ProtocolError: 'protocol_error',
  /** The WebSocket closed before the request it carried was answered. */
  ConnectionClosed: 'connection_closed',
  /** The transport never managed to open (e.g. a proxy refuses WebSocket upgrades). */
  Unavailable: 'unavailable',
  /** An HTTP error status without a Herald problem document (e.g. from a proxy). */
  HttpError: 'http_error',
  /**
   * The `auth.token` provider threw, rejected, or gave no token. Not retryable;
   * a provider that wants a retry with backoff throws a retryable `HeraldError` itself.
   */
  AuthProviderFailed: 'auth_provider_failed',
} as const;

export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export type HeraldErrorCode = ErrorCode | ClientErrorCode;

const SERVER_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** True when `code` is one of Herald's stable server error codes. */
export function isServerErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && SERVER_CODES.has(code);
}

/** Server codes that describe a passing condition, worth retrying later. */
const TRANSIENT_SERVER_CODES: ReadonlySet<HeraldErrorCode> = new Set<HeraldErrorCode>([ErrorCode.ShuttingDown, ErrorCode.Internal]);

const TRANSIENT_CLIENT_CODES: ReadonlySet<HeraldErrorCode> = new Set<HeraldErrorCode>([
  ClientErrorCode.NetworkError,
  ClientErrorCode.Timeout,
  ClientErrorCode.ConnectionClosed,
]);

/**
 * The HTTP status a server code stands for when it arrives without one (a
 * WebSocket `error` frame or close code): the authentication and rate-limit
 * codes only, so `status` means the same on every transport for them. 0 otherwise.
 */
export function statusOfServerCode(code: HeraldErrorCode): number {
  switch (code) {
    case ErrorCode.Unauthorized:
    case ErrorCode.TokenExpired:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.RateLimited:
      return 429;
    default:
      return 0;
  }
}

/**
 * A `Retry-After` header value (delay-seconds or an HTTP date) in milliseconds
 * from `now`; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface HeraldErrorOptions {
  cause?: unknown;
  /** How long the server asked the client to wait (`Retry-After`), when it said so and the header was readable. */
  retryAfterMs?: number;
}

/**
 * Every error the SDK reports. `status` is the HTTP status (0 when there was no
 * HTTP answer, e.g. a network failure or a WebSocket error frame — except that
 * the authentication and rate-limit codes carry 401 / 403 / 429 on every
 * transport), `code` a stable string to switch on, `detail` a human-readable explanation.
 */
export class HeraldError extends Error {
  override readonly name = 'HeraldError';
  /** The server's `Retry-After`, in ms, when it sent one (429, 503) and it was readable (CORS must expose it to browsers). */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly status: number,
    readonly code: HeraldErrorCode,
    readonly detail: string,
    options?: HeraldErrorOptions,
  ) {
    super(`${code}${status ? ` (${status})` : ''}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options?.retryAfterMs;
  }

  /**
   * True when retrying the same request later may succeed: network failures,
   * timeouts, dropped sockets, 408/425/429 and 5xx. Other 4xx answers will not change.
   */
  get retryable(): boolean {
    if (TRANSIENT_CLIENT_CODES.has(this.code) || TRANSIENT_SERVER_CODES.has(this.code)) return true;
    return this.status === 408 || this.status === 425 || this.status === 429 || this.status >= 500;
  }

  /** Builds the error for a non-success HTTP answer from its (possibly problem+json) body. */
  static fromHttp(status: number, body: string, retryAfterMs?: number): HeraldError {
    const options = retryAfterMs === undefined ? undefined : { retryAfterMs };
    let problem: unknown;
    try {
      problem = body ? JSON.parse(body) : undefined;
    } catch {
      problem = undefined;
    }
    if (typeof problem === 'object' && problem !== null) {
      const { code, detail } = problem as { code?: unknown; detail?: unknown };
      if (isServerErrorCode(code)) {
        return new HeraldError(status, code, typeof detail === 'string' ? detail : `HTTP ${status}`, options);
      }
    }
    return new HeraldError(status, ClientErrorCode.HttpError, `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`, options);
  }
}

/** `instanceof` that also works across duplicated bundles. */
export function isHeraldError(error: unknown): error is HeraldError {
  return error instanceof HeraldError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'HeraldError');
}

/** Wraps anything thrown into a HeraldError (unknown errors become `network_error` with the cause kept). */
export function toHeraldError(error: unknown, fallbackDetail: string): HeraldError {
  if (isHeraldError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HeraldError(0, ClientErrorCode.NetworkError, `${fallbackDetail}: ${message}`, { cause: error });
}
