import { BehaviorSubject, defer, Observable } from 'rxjs';
import type { Delivery, Envelope } from '@herald/contracts';
import { Credentials } from './auth/credentials';
import { ConnectionState, IDLE_STATE } from './connection-state';
import { HttpClient } from './http/http-client';
import type { Link, LinkHandlers } from './internal/link';
import { resumableStream } from './internal/resumable-stream';
import { validatePublish, validateTopics } from './internal/validate';
import type { RealtimeTransport, SubscribeOptions, TransportName } from './realtime-transport';
import { StatsRecorder, TransportStats } from './stats/transport-stats';
import { ResolvedOptions, resolveOptions, TransportOptions } from './transport-options';

/**
 * What the four transports share: option defaults, credentials, the reconnect
 * loop (which refreshes an expired token), connection state, statistics and
 * publishing over HTTP. A transport only says how to open one link.
 */
export abstract class TransportBase implements RealtimeTransport {
  protected readonly options: ResolvedOptions;
  protected readonly recorder: StatsRecorder;
  protected readonly credentials: Credentials;
  protected readonly http: HttpClient;
  private readonly state = new BehaviorSubject<ConnectionState>(IDLE_STATE);
  /** The subscription whose state `state$` shows: the most recently started one. */
  private stateOwner: object | undefined;

  readonly state$: Observable<ConnectionState> = this.state.asObservable();

  constructor(
    readonly name: TransportName,
    options: TransportOptions,
  ) {
    this.options = resolveOptions(options);
    this.recorder = new StatsRecorder(name, () => this.options.timers.now(), this.options.latencySamples);
    this.credentials = new Credentials(this.options.auth);
    this.http = new HttpClient(this.options, this.recorder, this.credentials);
  }

  get stats(): TransportStats {
    return this.recorder.snapshot();
  }

  subscribe(topics: readonly string[], options: SubscribeOptions = {}): Observable<Delivery> {
    return defer(() => {
      const list = validateTopics(topics);
      const owner = {};
      this.stateOwner = owner;
      return resumableStream({
        name: this.name,
        since: options.since,
        options: this.options,
        stats: this.recorder,
        open: (since, handlers) => this.openLink(list, since, handlers),
        setState: (state) => {
          if (this.stateOwner === owner) this.state.next(state);
        },
        refreshToken: () => this.credentials.expire(),
      });
    });
  }

  /** Publishes over HTTP (`POST /api/topics/{topic}/events`). */
  async publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    validatePublish(topic, data);
    return this.http.publish(topic, data, type);
  }

  /** Opens one connection attempt for `topics`, resuming after `since`. */
  protected abstract openLink(topics: string[], since: string | undefined, handlers: LinkHandlers): Link;
}
