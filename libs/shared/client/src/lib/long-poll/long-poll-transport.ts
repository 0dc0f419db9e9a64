import { toHeraldError } from '../herald-error';
import type { Link, LinkHandlers } from '../internal/link';
import { TransportBase } from '../transport-base';
import type { TransportOptions } from '../transport-options';
import { parseDelivery } from '../wire/parse-delivery';
import { parseJson } from '../wire/parse-json';

/**
 * Long polling: back-to-back `GET /api/long-poll` requests, each asking the
 * server to wait up to `longPollTimeoutMs` for events after the cursor.
 *
 * The first request of every link asks `timeout=0`, so the link is known to
 * work (state `open`) and "from now" is fixed at once instead of after a full
 * wait. A request with no answer within its wait plus `requestTimeoutMs` is a
 * dead link and is replaced (resuming from the cursor).
 */
export class LongPollTransport extends TransportBase {
  constructor(options: TransportOptions) {
    super('long-poll', options);
  }

  protected openLink(topics: string[], since: string | undefined, handlers: LinkHandlers): Link {
    const { longPollTimeoutMs, requestTimeoutMs, limit } = this.options;
    const controller = new AbortController();
    let cursor = since;
    let closed = false;

    const loop = async (): Promise<void> => {
      let first = true;
      while (!closed) {
        const wait = first ? 0 : longPollTimeoutMs;
        const answer = await this.http.send(this.http.url('/api/long-poll', { topics: topics.join(','), since: cursor, timeout: wait, limit }), {
          headers: { accept: 'application/json' },
          timeoutMs: wait + requestTimeoutMs,
          signal: controller.signal,
        });
        if (closed) return;
        if (first) handlers.open();
        first = false;
        const delivery = parseDelivery(parseJson(answer.text, 'long-poll answer'), 'long-poll answer');
        cursor = delivery.cursor;
        handlers.delivery(delivery);
      }
    };
    loop().catch((error: unknown) => {
      if (!closed) handlers.fail(toHeraldError(error, 'long poll failed'));
    });

    return {
      close: () => {
        closed = true;
        controller.abort();
      },
    };
  }
}
