import { HttpException, INestApplicationContext, Logger } from '@nestjs/common';
import { WS_PROTOCOL } from '@herald/security';
import { ProblemException } from '../http/problem.exception';
import type { IncomingMessage } from 'node:http';
import type { RawData, Server, WebSocket } from 'ws';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { isObservable, Observable, Subscription } from 'rxjs';
import { CLIENT_EVENT_NAMES, ErrorCode } from '@herald/contracts';
import { errorFrameObject } from './ws-frames';

/** A gateway handler as Nest binds it to one socket: `(data, event)`. */
type HandlerCallback = MessageMappingProperties['callback'];

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
 * What the adapter keeps per socket: the gateway's handlers as Nest bound them to it (`names` is
 * shared by every socket of a gateway), Nest's disconnect hook, and, only while a handler's
 * Observable result is being forwarded, its subscriptions. All fields exist from construction
 * (one object shape for every socket).
 */
class SocketRoutes {
  results: Set<Subscription> | undefined = undefined;
  /** Nest's disconnect hook (it calls the gateway's `handleDisconnect`), run last at `close`. */
  disconnect: (() => void) | undefined = undefined;

  constructor(
    readonly names: readonly string[],
    readonly callbacks: readonly HandlerCallback[],
  ) {}
}

const protocolLogger = new Logger('WebSocket');

/** Per-socket routes; an entry lives from `bindMessageHandlers` until the socket's `close`. */
const routesOf = new WeakMap<WebSocket, SocketRoutes>();

/** What a client frame asks for: an error frame to answer with, or a handler to call. */
export type FrameRoute =
  | { readonly kind: 'error'; readonly frame: ReturnType<typeof errorFrameObject> }
  | { readonly kind: 'handler'; readonly index: number; readonly event: string; readonly data: unknown };

function rejectFrame(code: ErrorCode, message: string, ref?: string): FrameRoute {
  return { kind: 'error', frame: errorFrameObject(code, message, ref) };
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * Routes one client frame: a frame that is binary, not JSON, not `{event, data}`, or names an
 * event that is not in `names` gets an `error` frame (the socket stays open); anything else goes
 * to the handler at `index`. Pure: no socket needed.
 */
export function routeFrame(data: RawData, isBinary: boolean, names: readonly string[]): FrameRoute {
  if (isBinary) return rejectFrame(ErrorCode.InvalidFrame, 'binary frames are not accepted: send JSON text frames {"event": ..., "data": ...}');
  let message: unknown;
  try {
    message = JSON.parse(textOf(data));
  } catch {
    return rejectFrame(ErrorCode.InvalidFrame, 'the frame is not valid JSON: send {"event": ..., "data": ...}');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message) || typeof (message as { event?: unknown }).event !== 'string') {
    return rejectFrame(ErrorCode.InvalidFrame, 'a frame is a JSON object {"event": string, "data": ...}');
  }
  const { event, data: payload } = message as { event: string; data: unknown };
  const index = names.indexOf(event);
  if (index < 0) {
    const ref =
      typeof payload === 'object' && payload !== null && typeof (payload as { ref?: unknown }).ref === 'string' && (payload as { ref: string }).ref.length <= 64
        ? (payload as { ref: string }).ref
        : undefined;
    return rejectFrame(ErrorCode.UnknownEvent, `unknown event ${JSON.stringify(event.slice(0, 64))}; expected one of ${CLIENT_EVENT_NAMES.join(', ')}`, ref);
  }
  return { kind: 'handler', index, event, data: payload };
}

/** Sends a handler's answer as JSON text while the socket is open; `null`/`undefined` send nothing. */
function answer(socket: WebSocket, value: unknown): void {
  if (value === null || value === undefined || socket.readyState !== socket.OPEN) return;
  socket.send(JSON.stringify(value));
}

function logFailure(error: unknown): void {
  protocolLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
}

/**
 * Forwards a handler's result as Nest's adapter does: a value (or what a Promise resolves to) is
 * sent once; an Observable's values are sent until it ends or the socket closes, whichever is first.
 * A failure (of the result, or of serializing an answer) is logged and ends nothing else: the
 * socket keeps serving frames.
 */
function forward(socket: WebSocket, routes: SocketRoutes, result: unknown): void {
  Promise.resolve(result)
    .then((value: unknown) => {
      if (!isObservable(value)) return answer(socket, value);
      // The socket closed while the result was pending: nothing to forward to.
      if (routesOf.get(socket) !== routes) return;
      const results = (routes.results ??= new Set<Subscription>());
      const subscription = new Subscription();
      results.add(subscription);
      subscription.add(() => results.delete(subscription));
      subscription.add(
        (value as Observable<unknown>).subscribe({
          next: (item: unknown) => {
            try {
              answer(socket, item);
            } catch (error) {
              logFailure(error);
            }
          },
          error: (error: unknown) => {
            logFailure(error);
            subscription.unsubscribe();
          },
          complete: () => subscription.unsubscribe(),
        }),
      );
    })
    .catch(logFailure);
}

/** The one `message` listener of every socket (`this` is the socket): routes, answers, dispatches. */
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const routes = routesOf.get(this);
  if (!routes) return;
  const route = routeFrame(data, isBinary, routes.names);
  if (route.kind === 'error') {
    answer(this, route.frame);
    return;
  }
  let result: unknown;
  try {
    result = routes.callbacks[route.index](route.data, route.event);
  } catch {
    // Nest's context wraps handlers with their exception filters; a throw past them answers nothing.
    return;
  }
  forward(this, routes, result);
}

/**
 * The one `close` listener the adapter adds per socket. Tears down, in this order: the `message`
 * listener, the routes, any forwarded results; then runs Nest's disconnect hook (as its own
 * `close` listener would have, after the adapter's).
 */
function onClose(this: WebSocket): void {
  this.off('message', onMessage);
  this.off('close', onClose);
  const routes = routesOf.get(this);
  routesOf.delete(this);
  if (!routes) return;
  if (routes.results) for (const subscription of [...routes.results]) subscription.unsubscribe();
  routes.disconnect?.();
}

/** Client-side protocol errors (oversized frame, bad UTF-8) close that socket; they are not server errors. */
function onSocketError(this: WebSocket, error: Error & { code?: string }): void {
  protocolLogger.warn(`closed a WebSocket: ${error.code ?? error.message}`);
}

/**
 * NestJS's `ws` adapter, with these changes: frames larger than the limit close
 * the socket (1009) instead of being buffered; a frame that is not JSON,
 * not `{event, data}`, or names an unknown event gets an `error` frame on the
 * same socket rather than being dropped silently; and the adapter adds one
 * `message`, one `close` and one `error` listener per socket, all shared
 * functions, instead of Nest's two RxJS pipelines per socket (idle sockets are
 * most sockets: this is most of their memory).
 */
export class HeraldWsAdapter extends WsAdapter {
  /** Handler names per gateway, shared by all its sockets (Nest passes them in the same order each time). */
  private readonly names: string[][] = [];

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

  /** Ties every upgraded socket to its admission and logs (does not rethrow) its protocol errors. */
  override bindErrorHandler(server: Server): Server {
    server.on('connection', (socket: WebSocket, req: IncomingMessage) => {
      this.connected(socket, req);
      socket.on('error', onSocketError);
    });
    server.on('error', (error: Error) => protocolLogger.error(error));
    return server;
  }

  /**
   * Dispatches the socket's frames to `handlers` (see `routeFrame` and `forward`) from one shared
   * `message` listener; the socket's `close` removes it and ends any forwarded result. Nest's
   * `transform` is not needed: `forward` resolves results the same way.
   */
  override bindMessageHandlers(client: WebSocket, handlers: MessageMappingProperties[], _transform: (data: unknown) => Observable<unknown>): void {
    routesOf.set(client, new SocketRoutes(this.namesOf(handlers), handlers.map((handler) => handler.callback)));
    client.on('message', onMessage);
    client.on('close', onClose);
  }

  /**
   * Nest's disconnect hook runs from the adapter's own `close` listener (see `onClose`) rather than
   * from a listener of its own: Node's EventEmitter keeps an event's listeners in an array that
   * grows to 19 slots at the third, and `ws` itself already listens to `close` (client tracking).
   */
  override bindClientDisconnect(client: WebSocket, callback: () => void): void {
    const routes = routesOf.get(client);
    if (routes && routes.disconnect === undefined) routes.disconnect = callback;
    else client.on('close', callback);
  }

  private namesOf(handlers: readonly MessageMappingProperties[]): readonly string[] {
    const names = handlers.map((handler) => String(handler.message));
    const known = this.names.find((candidate) => candidate.length === names.length && candidate.every((name, i) => name === names[i]));
    if (known) return known;
    this.names.push(names);
    return names;
  }
}
