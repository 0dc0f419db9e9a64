import { SINCE_EARLIEST } from '@herald/contracts';
import { toHeraldError } from '../herald-error';
import type { Link, LinkHandlers } from '../internal/link';
import type { TimerHandle } from '../timers';
import { TransportBase } from '../transport-base';
import type { TransportOptions } from '../transport-options';
import { parseDelivery } from '../wire/parse-delivery';
import { parseJson } from '../wire/parse-json';

/** The server's default page size, used to spot a full page when `limit` is not set. */
const SERVER_DEFAULT_LIMIT = 100;

/**
 * Short polling: `GET /api/poll` every `pollIntervalMs`. Each poll after the
 * first sends `If-None-Match: "<cursor>"`, so an unchanged log costs a
 * body-less 304. A full page is followed by another poll at once (catching up
 * without waiting). The link is `open` once a poll succeeded; a failed poll
 * hands over to the reconnect loop (backoff, resume from the cursor).
 */
export class PollTransport extends TransportBase {
  constructor(options: TransportOptions) {
    super('poll', options);
  }

  protected openLink(topics: string[], since: string | undefined, handlers: LinkHandlers): Link {
    const { timers, pollIntervalMs, requestTimeoutMs, limit } = this.options;
    const controller = new AbortController();
    const pageSize = limit ?? SERVER_DEFAULT_LIMIT;
    let cursor = since;
    let opened = false;
    let closed = false;
    let timer: TimerHandle | undefined;

    const poll = async (): Promise<void> => {
      timer = undefined;
      try {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (cursor !== undefined && cursor !== SINCE_EARLIEST) headers['if-none-match'] = `"${cursor}"`;
        const answer = await this.http.send(this.http.url('/api/poll', { topics: topics.join(','), since: cursor, limit }), {
          headers,
          timeoutMs: requestTimeoutMs,
          signal: controller.signal,
        });
        if (closed) return;
        if (!opened) {
          opened = true;
          handlers.open();
        }
        let full = false;
        if (answer.status !== 304) {
          const delivery = parseDelivery(parseJson(answer.text, 'poll answer'), 'poll answer');
          cursor = delivery.cursor;
          full = delivery.events.length >= pageSize;
          handlers.delivery(delivery);
        }
        if (!closed) timer = timers.setTimeout(() => void poll(), full ? 0 : pollIntervalMs);
      } catch (error) {
        if (!closed) handlers.fail(toHeraldError(error, 'poll failed'));
      }
    };
    void poll();

    return {
      close: () => {
        closed = true;
        if (timer !== undefined) timers.clearTimeout(timer);
        controller.abort();
      },
    };
  }
}
