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
}

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

    const onFailure = (error: HeraldError): void => {
      stopLink();
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
      scheduleConnect(backoffDelay(failures, backoff, random), failures, error.detail);
    };

    function connect(): void {
      retryTimer = undefined;
      const gen = ++generation;
      const live = (): boolean => !finished && gen === generation;
      const handlers: LinkHandlers = {
        open: () => {
          if (!live()) return;
          failures = 0;
          everOpened = true;
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
