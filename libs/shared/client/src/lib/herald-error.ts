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
 * Every error the SDK reports. `status` is the HTTP status (0 when there was no
 * HTTP answer, e.g. a network failure or a WebSocket error frame), `code` a
 * stable string to switch on, `detail` a human-readable explanation.
 */
export class HeraldError extends Error {
  override readonly name = 'HeraldError';

  constructor(
    readonly status: number,
    readonly code: HeraldErrorCode,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}${status ? ` (${status})` : ''}: ${detail}`, options);
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
  static fromHttp(status: number, body: string): HeraldError {
    let problem: unknown;
    try {
      problem = body ? JSON.parse(body) : undefined;
    } catch {
      problem = undefined;
    }
    if (typeof problem === 'object' && problem !== null) {
      const { code, detail } = problem as { code?: unknown; detail?: unknown };
      if (isServerErrorCode(code)) {
        return new HeraldError(status, code, typeof detail === 'string' ? detail : `HTTP ${status}`);
      }
    }
    return new HeraldError(status, ClientErrorCode.HttpError, `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
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
