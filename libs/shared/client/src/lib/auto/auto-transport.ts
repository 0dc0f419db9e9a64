import { BehaviorSubject, Observable, Subscription } from 'rxjs';
import type { Delivery, Envelope } from '@herald/contracts';
import { backoffDelay } from '../backoff';
import { ConnectionState, IDLE_STATE } from '../connection-state';
import { ClientErrorCode, HeraldError, isHeraldError } from '../herald-error';
import { LongPollTransport } from '../long-poll/long-poll-transport';
import { PollTransport } from '../poll/poll-transport';
import { RealtimeTransport, SubscribeOptions, TRANSPORT_NAMES, TransportName } from '../realtime-transport';
import { SseTransport } from '../sse/sse-transport';
import type { TransportStats } from '../stats/transport-stats';
import type { TimerHandle } from '../timers';
import { ResolvedOptions, resolveOptions, TransportOptions } from '../transport-options';
import { WsTransport } from '../ws/ws-transport';

/** A transport auto mode may use: one of the four, named. */
export interface NamedTransport extends RealtimeTransport {
  readonly name: TransportName;
}

export interface AutoTransportOptions extends TransportOptions {
  /** Transports to try, best first (default ws, sse, long-poll, poll; ws and sse are skipped when no constructor is available). */
  order?: readonly TransportName[];
  /** Failed connection attempts per transport before trying the next one (default 2). */
  attemptsPerTransport?: number;
  /** Use these transports instead of building them from the options (custom stacks, tests). */
  candidates?: readonly NamedTransport[];
}

/**
 * Auto mode: tries each transport in order and stays with the first that opens.
 *
 * - A transport is skipped when it cannot open at all within
 *   `attemptsPerTransport` attempts (e.g. a proxy refusing WebSocket upgrades,
 *   an SSE endpoint that is not an event stream); errors that are the
 *   caller's (bad topics) end the stream instead.
 * - The next transport starts from the last cursor delivered (or the caller's
 *   `since`), so switching loses and repeats nothing.
 * - When every transport failed (typically: the server is down), it waits
 *   (backoff with jitter) and starts over from the best one.
 * - Once a transport has opened, its own reconnect loop handles later drops;
 *   auto mode does not switch away from it.
 */
export class AutoTransport implements RealtimeTransport {
  readonly name = 'auto' as const;
  private readonly options: ResolvedOptions;
  private readonly candidates: readonly NamedTransport[];
  private readonly activeSubject = new BehaviorSubject<NamedTransport | undefined>(undefined);
  private readonly state = new BehaviorSubject<ConnectionState>(IDLE_STATE);
  private stateOwner: object | undefined;

  readonly state$: Observable<ConnectionState> = this.state.asObservable();
  /** The transport the latest subscription is using (undefined between attempts and when idle). */
  readonly active$: Observable<TransportName | undefined>;

  constructor(options: AutoTransportOptions) {
    this.options = resolveOptions(options);
    this.candidates = options.candidates ?? buildCandidates(options, this.options);
    if (this.candidates.length === 0) throw new TypeError('auto mode needs at least one transport');
    this.active$ = new Observable<TransportName | undefined>((subscriber) =>
      this.activeSubject.subscribe((transport) => subscriber.next(transport?.name)),
    );
  }

  get active(): TransportName | undefined {
    return this.activeSubject.value?.name;
  }

  /** The transports auto mode may use, in order. */
  get transports(): readonly NamedTransport[] {
    return this.candidates;
  }

  /** Statistics of the active transport (or of the first candidate when none is active). */
  get stats(): TransportStats {
    return (this.activeSubject.value ?? this.candidates[0]).stats;
  }

  /** Statistics of every candidate. */
  statsByTransport(): Partial<Record<TransportName, TransportStats>> {
    return Object.fromEntries(this.candidates.map((transport) => [transport.name, transport.stats]));
  }

  /** Over WebSocket when that is the active transport, otherwise over HTTP. */
  publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    const active = this.activeSubject.value;
    const via = active?.name === 'ws' ? active : (this.candidates.find((transport) => transport.name !== 'ws') ?? this.candidates[0]);
    return via.publish(topic, data, type);
  }

  subscribe(topics: readonly string[], options: SubscribeOptions = {}): Observable<Delivery> {
    return new Observable<Delivery>((subscriber) => {
      const owner = {};
      this.stateOwner = owner;
      const setState = (state: ConnectionState): void => {
        if (this.stateOwner === owner) this.state.next(state);
      };
      const setActive = (transport: NamedTransport | undefined): void => {
        if (this.stateOwner === owner) this.activeSubject.next(transport);
      };
      const { timers, backoff, random } = this.options;
      let cursor = options.since;
      let index = 0;
      let round = 0;
      let current = new Subscription();
      let timer: TimerHandle | undefined;
      let finished = false;

      const finish = (error: unknown): void => {
        finished = true;
        current.unsubscribe();
        setActive(undefined);
        const heraldError = isHeraldError(error) ? error : new HeraldError(0, ClientErrorCode.ProtocolError, String(error));
        setState({ status: 'closed', reason: heraldError.message, error: heraldError });
        subscriber.error(error);
      };

      const fallBack = (error: HeraldError): void => {
        const failed = this.candidates[index];
        index++;
        if (index < this.candidates.length) {
          setState({ status: 'reconnecting', attempt: round + 1, delayMs: 0, reason: `${failed.name} unavailable (${error.detail}); trying ${this.candidates[index].name}` });
          start();
          return;
        }
        index = 0;
        round++;
        const delayMs = backoffDelay(round, backoff, random);
        setActive(undefined);
        setState({ status: 'reconnecting', attempt: round, delayMs, reason: `no transport could connect (last: ${error.detail}); starting over` });
        timer = timers.setTimeout(start, delayMs);
      };

      const start = (): void => {
        timer = undefined;
        if (!finished) run();
      };

      const run = (): void => {
        const transport = this.candidates[index];
        const attempt = new Subscription();
        current = attempt;
        setActive(transport);
        attempt.add(
          transport.state$.subscribe((state) => {
            if (state.status === 'open') round = 0;
            // The inner stream's end is reported by auto mode itself.
            if (state.status !== 'closed') setState(state);
          }),
        );
        attempt.add(
          transport.subscribe(topics, cursor === undefined ? {} : { since: cursor }).subscribe({
            next: (delivery) => {
              cursor = delivery.cursor;
              subscriber.next(delivery);
            },
            error: (error: unknown) => {
              attempt.unsubscribe();
              if (finished || current !== attempt) return;
              if (isHeraldError(error) && error.code === ClientErrorCode.Unavailable) fallBack(error);
              else finish(error);
            },
          }),
        );
      };

      setState({ status: 'connecting' });
      start();

      return () => {
        if (finished) return;
        finished = true;
        if (timer !== undefined) timers.clearTimeout(timer);
        current.unsubscribe();
        setActive(undefined);
        setState({ status: 'closed', reason: 'unsubscribed' });
      };
    });
  }
}

function buildCandidates(options: AutoTransportOptions, resolved: ResolvedOptions): NamedTransport[] {
  const order = options.order ?? TRANSPORT_NAMES;
  const inner: TransportOptions = { ...options, connectAttempts: options.attemptsPerTransport ?? 2 };
  return order
    .filter((name) => (name === 'ws' ? resolved.WebSocket !== undefined : name === 'sse' ? resolved.EventSource !== undefined : true))
    .map((name): NamedTransport => {
      switch (name) {
        case 'ws':
          return new WsTransport(inner);
        case 'sse':
          return new SseTransport(inner);
        case 'long-poll':
          return new LongPollTransport(inner);
        case 'poll':
          return new PollTransport(inner);
      }
    });
}
