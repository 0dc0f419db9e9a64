import { Observable } from 'rxjs';
import { Delivery, ErrorCode, SINCE_EARLIEST } from '@herald/contracts';
import { backoffDelay } from '../backoff';
import type { ConnectionState } from '../connection-state';
import { ClientErrorCode, HeraldError, isHeraldError } from '../herald-error';
import type { TransportName } from '../realtime-transport';
import type { StatsRecorder } from '../stats/transport-stats';
import type { TimerHandle } from '../timers';
import type { ResolvedOptions } from '../transport-options';
import type { Link, LinkHandlers, OpenLink } from './link';

export interface ResumableStreamConfig {
  name: TransportName;
  since: string | undefined;
  open: OpenLink;
  options: ResolvedOptions;
  stats: StatsRecorder;
  setState(state: ConnectionState): void;
  /**
   * The server said the token expired: arrange for the next link to present a
   * fresh one. Returns false when nothing fresher can be had (no provider).
   */
  refreshToken?(): boolean;
}

/**
 * Token expiries in a row (each link failing within `SHORT_LIVED_LINK_MS` of
 * opening, or before it) after which the stream gives up: the provider keeps
 * handing out tokens the server already considers expired.
 */
export const MAX_TOKEN_EXPIRIES_IN_A_ROW = 3;

/** A link that lived at least this long before its token expired ends any run of expiries. */
export const SHORT_LIVED_LINK_MS = 1_000;

/** Errors meaning "this endpoint is not Herald's / not reachable this way" rather than "your request is wrong". */
function endpointMissing(error: HeraldError): boolean {
  return (
    error.code === ClientErrorCode.Unavailable ||
    error.code === ClientErrorCode.HttpError ||
    error.code === ErrorCode.NotFound ||
    error.status === 405 ||
    error.status === 501
  );
}

/**
 * The reconnect loop every transport shares. It opens links one after the
 * other and guarantees:
 *
 * - each new link resumes from the last cursor any link delivered, so events
 *   are neither lost nor repeated across reconnects;
 * - retryable failures reconnect after `backoffDelay(failures since the last open)`;
 * - `invalid_cursor` restarts at once from "now", and the next delivery carries `reset: true`;
 * - `token_expired` (WS close 4001, SSE `close` event, HTTP 401) with a token
 *   provider: the provider is asked for a fresh token and the next link starts
 *   at once from the last cursor, without counting as a failure; should tokens
 *   keep expiring right away, later attempts back off and the
 *   `MAX_TOKEN_EXPIRIES_IN_A_ROW`-th ends the stream with the 401. Without a
 *   provider, `token_expired` ends the stream like any other 401;
 * - the delay before a retry is at least the server's `Retry-After` (429, 503) when it was readable;
 * - other errors end the stream with that `HeraldError`; so does a link that
 *   never opened within `connectAttempts` attempts (code `unavailable`);
 * - unsubscribing closes the current link and cancels a pending reconnect.
 */
export function resumableStream(config: ResumableStreamConfig): Observable<Delivery> {
  return new Observable<Delivery>((subscriber) => {
    const { timers, backoff, random, connectAttempts } = config.options;
    let since = config.since;
    let lastEmitted = since === SINCE_EARLIEST ? undefined : since;
    let resetPending = false;
    let failures = 0;
    let everOpened = false;
    /** When the current link opened (undefined until it does). */
    let openedAt: number | undefined;
    let expiriesInARow = 0;
    let link: Link | undefined;
    let generation = 0;
    let retryTimer: TimerHandle | undefined;
    let finished = false;

    const deliver = (delivery: Delivery): void => {
      since = delivery.cursor;
      config.stats.events(delivery.events);
      const reset = delivery.reset === true || resetPending;
      if (delivery.events.length === 0 && !reset && delivery.cursor === lastEmitted) return;
      resetPending = false;
      lastEmitted = delivery.cursor;
      subscriber.next(reset ? { events: delivery.events, cursor: delivery.cursor, reset: true } : { events: delivery.events, cursor: delivery.cursor });
    };

    const stopLink = (): void => {
      generation++;
      const current = link;
      link = undefined;
      current?.close();
    };

    const finish = (error: HeraldError): void => {
      if (finished) return;
      finished = true;
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      stopLink();
      config.setState({ status: 'closed', reason: error.message, error });
      subscriber.error(error);
    };

    const scheduleConnect = (delayMs: number, attempt: number, reason: string): void => {
      config.setState({ status: 'reconnecting', attempt, delayMs, reason });
      retryTimer = timers.setTimeout(connect, delayMs);
    };

    const onTokenExpired = (error: HeraldError): void => {
      const lived = openedAt === undefined ? 0 : timers.now() - openedAt;
      if (lived >= SHORT_LIVED_LINK_MS) expiriesInARow = 0;
      expiriesInARow++;
      if (!config.refreshToken?.() || expiriesInARow >= MAX_TOKEN_EXPIRIES_IN_A_ROW) {
        finish(error);
        return;
      }
      config.stats.reconnect();
      if (expiriesInARow === 1) {
        // The expected case: the token ran out. Resume at once with a fresh one.
        scheduleConnect(0, failures + 1, `${error.detail}; reconnecting with a fresh token`);
        return;
      }
      failures++;
      scheduleConnect(backoffDelay(failures, backoff, random), failures, `${error.detail} again; retrying with a fresh token`);
    };

    const onFailure = (error: HeraldError): void => {
      stopLink();
      if (error.code === ErrorCode.TokenExpired) {
        onTokenExpired(error);
        return;
      }
      if (error.code === ErrorCode.InvalidCursor && since !== undefined && since !== SINCE_EARLIEST) {
        // The server will never accept this cursor: start over from "now" and say so.
        since = undefined;
        lastEmitted = undefined;
        resetPending = true;
        config.stats.reconnect();
        scheduleConnect(0, failures + 1, `cursor not accepted (${error.detail}); restarting from now`);
        return;
      }
      if (!error.retryable) {
        if (!everOpened && endpointMissing(error)) {
          finish(new HeraldError(error.status, ClientErrorCode.Unavailable, `${config.name}: ${error.detail}`, { cause: error }));
        } else {
          finish(error);
        }
        return;
      }
      failures++;
      if (!everOpened && failures >= connectAttempts) {
        finish(
          new HeraldError(error.status, ClientErrorCode.Unavailable, `${config.name}: could not connect in ${failures} attempt(s): ${error.detail}`, {
            cause: error,
          }),
        );
        return;
      }
      config.stats.reconnect();
      scheduleConnect(Math.max(backoffDelay(failures, backoff, random), error.retryAfterMs ?? 0), failures, error.detail);
    };

    function connect(): void {
      retryTimer = undefined;
      openedAt = undefined;
      const gen = ++generation;
      const live = (): boolean => !finished && gen === generation;
      const handlers: LinkHandlers = {
        open: () => {
          if (!live()) return;
          failures = 0;
          everOpened = true;
          openedAt = timers.now();
          config.setState({ status: 'open' });
        },
        delivery: (delivery) => {
          if (live()) deliver(delivery);
        },
        retrying: (reason) => {
          if (!live()) return;
          config.stats.reconnect();
          config.setState({ status: 'reconnecting', attempt: failures + 1, delayMs: 0, reason });
        },
        fail: (error) => {
          if (live()) onFailure(error);
        },
      };
      try {
        const opened = config.open(since, handlers);
        if (live()) link = opened;
        else opened.close();
      } catch (error) {
        if (!live()) return;
        const detail = error instanceof Error ? error.message : String(error);
        onFailure(isHeraldError(error) ? error : new HeraldError(0, ClientErrorCode.Unavailable, `${config.name}: cannot connect: ${detail}`, { cause: error }));
      }
    }

    config.setState({ status: 'connecting' });
    connect();

    return () => {
      if (finished) return;
      finished = true;
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      stopLink();
      config.setState({ status: 'closed', reason: 'unsubscribed' });
    };
  });
}
