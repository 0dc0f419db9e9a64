import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import type { TopicInfo } from '@herald/contracts';
import type { HeraldError } from '@herald/client';
import { asHeraldError } from '../errors';
import { DASHBOARD_CLOCK } from '../clock';
import { DASHBOARD_CONFIG } from '../dashboard-config';
import { HeraldApi } from './herald-api.service';

export type TopicsStatus = 'loading' | 'ok' | 'error';

/**
 * The topic list, refreshed every `topicsRefreshMs` — and with it whether the
 * API answers at all. One request at a time; each is aborted after
 * `topicsTimeoutMs`. Stops (aborting any request) when its injector is destroyed.
 */
@Injectable()
export class TopicsService {
  private readonly api = inject(HeraldApi);
  private readonly config = inject(DASHBOARD_CONFIG);
  private readonly clock = inject(DASHBOARD_CLOCK);

  private readonly _topics = signal<readonly TopicInfo[]>([]);
  private readonly _status = signal<TopicsStatus>('loading');
  private readonly _error = signal<HeraldError | undefined>(undefined);
  private readonly _updatedAt = signal<number | undefined>(undefined);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;
  private running = false;

  /** The last list received (kept while the API is unreachable). */
  readonly topics = this._topics.asReadonly();
  readonly status = this._status.asReadonly();
  /** Why the last refresh failed (undefined after a success). */
  readonly error = this._error.asReadonly();
  /** Epoch ms of the last successful refresh. */
  readonly updatedAt = this._updatedAt.asReadonly();
  /** False when the last refresh could not reach the server or it answered 5xx. */
  readonly apiReachable = computed(() => {
    const error = this._error();
    return error === undefined || !error.retryable;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Starts refreshing (at once, then every `topicsRefreshMs`); idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.load();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  /** Refreshes now (e.g. right after a publish) instead of at the next tick. */
  refresh(): void {
    if (!this.running) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.inFlight) void this.load();
  }

  private async load(): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    const deadline = setTimeout(() => controller.abort(), this.config.topicsTimeoutMs);
    try {
      const topics = await this.api.listTopics(controller.signal);
      if (controller !== this.inFlight) return;
      this._topics.set(topics);
      this._status.set('ok');
      this._error.set(undefined);
      this._updatedAt.set(this.clock.now());
    } catch (error) {
      if (controller !== this.inFlight) return;
      this._status.set('error');
      this._error.set(asHeraldError(error, 'topic list failed'));
    } finally {
      clearTimeout(deadline);
      if (controller === this.inFlight) {
        this.inFlight = undefined;
        if (this.running) this.timer = setTimeout(() => void this.load(), this.config.topicsRefreshMs);
      }
    }
  }
}
