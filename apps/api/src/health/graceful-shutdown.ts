import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import { ShutdownState } from './shutdown-state';

/** Time allowed after the drain bound for closing sockets and the bus before the process exits anyway. */
export const SHUTDOWN_MARGIN_MS = 1_500;

export interface GracefulShutdownOptions {
  /** Longest wait for SSE streams and long polls to be answered (`HERALD_SHUTDOWN_DRAIN_MS`). */
  drainMs: number;
  logger: LoggerService;
  signals?: NodeJS.Signals[];
  /** Time on top of `drainMs` before the process exits anyway (default `SHUTDOWN_MARGIN_MS`). */
  marginMs?: number;
  /** Ends the process (injectable for tests). */
  exit?: (code: number) => void;
  /** Where the signals come from (default: `process`; injectable for tests). */
  signalSource?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

/**
 * On SIGTERM (or SIGINT), in this order:
 * 1. readiness turns 503 and the listening socket closes: new connections are
 *    refused, so a proxy sends them to another instance at once;
 * 2. the app closes: WebSockets get 1012 "come back later", SSE streams end
 *    (EventSource reconnects after its `retry` hint, from its last id), waiting
 *    long polls are answered with their cursor — waiting at most `drainMs`;
 *    then remaining sockets are closed and the bus disconnects;
 * 3. the process exits 0 — or 1 if all that takes longer than
 *    `drainMs + SHUTDOWN_MARGIN_MS`, whatever is still open.
 * A second signal while stopping changes nothing: the bound holds.
 * Returns a function that removes the signal handlers.
 */
export function installGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const boundMs = options.drainMs + (options.marginMs ?? SHUTDOWN_MARGIN_MS);
    options.logger.log(`${signal}: shutting down (drain at most ${options.drainMs} ms)`);
    const deadline = setTimeout(() => {
      options.logger.error(`shutdown did not finish within ${boundMs} ms; exiting now`, undefined);
      exit(1);
    }, boundMs);
    deadline.unref();
    app.get(ShutdownState).begin();
    (app.getHttpServer() as Server).close();
    const startedAt = Date.now();
    app.close().then(
      () => {
        clearTimeout(deadline);
        options.logger.log(`stopped in ${Date.now() - startedAt} ms`);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        options.logger.error(`shutdown failed: ${error instanceof Error ? error.stack : String(error)}`, undefined);
        exit(1);
      },
    );
  };
  const source = options.signalSource ?? process;
  for (const signal of signals) source.on(signal, stop);
  return () => {
    for (const signal of signals) source.off(signal, stop);
  };
}
