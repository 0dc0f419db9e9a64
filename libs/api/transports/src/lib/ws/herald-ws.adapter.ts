import { HttpException, INestApplicationContext, Logger } from '@nestjs/common';
import { WS_PROTOCOL } from '@herald/security';
import { ProblemException } from '../http/problem.exception';
import type { IncomingMessage } from 'node:http';
import type { Server, WebSocket } from 'ws';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { EMPTY, Observable, of } from 'rxjs';
import { CLIENT_EVENT_NAMES, ErrorCode } from '@herald/contracts';
import { errorFrameObject } from './ws-frames';

interface IncomingFrame {
  data: unknown;
}

/**
 * Cross-site WebSocket hijacking guard: a browser upgrade (it always sends
 * `Origin`) is accepted from the server's own origin or a listed one; clients
 * that send no `Origin` (services, CLIs) are not browsers and pass.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin || allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * NestJS's `ws` adapter, with two changes: frames larger than the limit close
 * the socket (1009) instead of being buffered, and a frame that is not JSON,
 * not `{event, data}`, or names an unknown event gets an `error` frame on the
 * same socket rather than being dropped silently.
 */
export class HeraldWsAdapter extends WsAdapter {
  private readonly protocolLogger = new Logger('WebSocket');
  constructor(
    app: INestApplicationContext,
    private readonly maxFrameBytes: number,
    /** Browser origins allowed besides the server's own (`*`: any). */
    private readonly allowedOrigins: readonly string[] = [],
    /**
     * Admission of an upgrade (authentication, connection limits): resolves to
     * let it in, rejects with an `HttpException` whose status answers the upgrade.
     */
    private readonly admit: (req: IncomingMessage) => Promise<void> = () => Promise.resolve(),
    /** Called for every socket that completed its upgrade (ties admission state to the socket). */
    private readonly connected: (socket: WebSocket, req: IncomingMessage) => void = () => undefined,
  ) {
    super(app);
  }

  override create(port: number, options?: Record<string, unknown>) {
    return super.create(port, {
      ...options,
      maxPayload: this.maxFrameBytes,
      // Browsers that pass a token as a subprotocol also offer `herald.v1`; never echo a token back.
      handleProtocols: (protocols: Set<string>) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
      verifyClient: (
        info: { origin?: string; req: IncomingMessage },
        done: (ok: boolean, status?: number, message?: string, headers?: Record<string, string>) => void,
      ) => {
        if (!originAllowed(info.origin, info.req.headers.host, this.allowedOrigins)) return done(false, 403, 'Origin not allowed');
        this.admit(info.req).then(
          () => done(true),
          (error: unknown) => {
            const status = error instanceof HttpException ? error.getStatus() : 500;
            const code = error instanceof ProblemException ? error.code : ErrorCode.Internal;
            done(false, status, code, status === 401 ? { 'WWW-Authenticate': 'Bearer realm="herald"' } : undefined);
          },
        );
      },
    });
  }

  /** Client-side protocol errors (oversized frame, bad UTF-8) close that socket; they are not server errors. */
  override bindErrorHandler(server: Server): Server {
    server.on('connection', (socket: WebSocket, req: IncomingMessage) => this.connected(socket, req));
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', (error: Error & { code?: string }) => this.protocolLogger.warn(`closed a WebSocket: ${error.code ?? error.message}`)),
    );
    server.on('error', (error: Error) => this.protocolLogger.error(error));
    return server;
  }

  override bindMessageHandler(
    buffer: IncomingFrame,
    handlers: Map<string, MessageMappingProperties>,
    transform: (data: unknown) => Observable<unknown>,
  ): Observable<unknown> {
    if (typeof buffer.data !== 'string') {
      return of(errorFrameObject(ErrorCode.InvalidFrame, 'binary frames are not accepted: send JSON text frames {"event": ..., "data": ...}'));
    }
    let message: unknown;
    try {
      message = JSON.parse(buffer.data);
    } catch {
      return of(errorFrameObject(ErrorCode.InvalidFrame, 'the frame is not valid JSON: send {"event": ..., "data": ...}'));
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message) || typeof (message as { event?: unknown }).event !== 'string') {
      return of(errorFrameObject(ErrorCode.InvalidFrame, 'a frame is a JSON object {"event": string, "data": ...}'));
    }
    const { event, data } = message as { event: string; data: unknown };
    const handler = handlers.get(event);
    if (!handler) {
      const ref = typeof data === 'object' && data !== null && typeof (data as { ref?: unknown }).ref === 'string' && (data as { ref: string }).ref.length <= 64 ? (data as { ref: string }).ref : undefined;
      return of(
        errorFrameObject(ErrorCode.UnknownEvent, `unknown event ${JSON.stringify(event.slice(0, 64))}; expected one of ${CLIENT_EVENT_NAMES.join(', ')}`, ref),
      );
    }
    try {
      return transform(handler.callback(data, event));
    } catch {
      return EMPTY;
    }
  }
}
