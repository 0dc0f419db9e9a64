import type { Redis } from 'ioredis';

const QUIT_TIMEOUT_MS = 1_000;
const END_TIMEOUT_MS = 1_000;

/**
 * How long ioredis lets a closing socket end gracefully before destroying it.
 * Its timer outlives `disconnect()` even when no socket is left, so connections
 * the bus owns keep it short and `closeConnection` waits it out.
 */
export const DISCONNECT_TIMEOUT_MS = 100;

/**
 * Closes a connection for good and settles once its socket is gone (or after a
 * bounded wait); never leaves a reconnect timer behind. `graceful` lets
 * commands already sent finish first.
 */
export async function closeConnection(client: Redis, graceful: boolean): Promise<void> {
  if (client.status === 'end') return;
  let onEnd: (() => void) | undefined;
  const ended = new Promise<void>((resolve) => {
    onEnd = resolve;
    client.once('end', resolve);
  });
  try {
    if (graceful && client.status === 'ready') {
      await within(
        client.quit().catch(() => undefined),
        QUIT_TIMEOUT_MS,
      );
    }
    // `status` changes as the socket closes, so it is read afresh here.
    if ((client.status as string) === 'end') return;
    const between = client.status === 'reconnecting';
    client.disconnect();
    if (between) {
      // No socket is left; only ioredis's disconnect timer, which cannot be cancelled, is waited out.
      await pause((client.options.disconnectTimeout ?? 2_000) + 10);
    } else {
      await within(ended, END_TIMEOUT_MS);
    }
  } finally {
    if (onEnd) client.off('end', onEnd);
  }
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
