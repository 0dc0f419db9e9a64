import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import { map } from 'rxjs';
import {
  DASHBOARD_CLOCK,
  DASHBOARD_CONFIG,
  LongPollingService,
  PollingService,
  provideTransportServices,
  SseService,
  TopicsService,
  TransportService,
  WebSocketService,
} from '@herald/dashboard-data-access';
import { ChartSeries, formatMs, LatencyChart } from '@herald/dashboard-ui';
import { ComparisonRow, ComparisonTable } from '../comparison-table/comparison-table.component';
import { PublishForm } from '../publish-form/publish-form.component';
import { TopicList } from '../topic-list/topic-list.component';
import { parseTopicInput } from '../topic-picker/topic-input';
import { TopicPicker } from '../topic-picker/topic-picker.component';
import { guideFor } from '../transport-guide';
import { TransportPanel } from '../transport-panel/transport-panel.component';

export const DEFAULT_TOPICS: readonly string[] = ['ticker'];

/**
 * The live comparison: the same topics over all four transports, side by side,
 * with their latency over time, a publish form and the server's topic list.
 * The selected topics live in the URL (`?topics=a,b`), so a view can be shared.
 * Every connection this page opens is closed when it is destroyed.
 */
@Component({
  selector: 'hd-live-page',
  imports: [TransportPanel, TopicPicker, LatencyChart, PublishForm, TopicList, ComparisonTable],
  providers: [provideTransportServices(), TopicsService],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './live-page.component.html',
  styleUrl: './live-page.component.css',
})
export class LivePage {
  private readonly router = inject(Router);
  /** `?topics=` from the URL. */
  private readonly topicsParam = toSignal(inject(ActivatedRoute).queryParamMap.pipe(map((params) => params.get('topics') ?? undefined)));
  private readonly clock = inject(DASHBOARD_CLOCK);
  protected readonly config = inject(DASHBOARD_CONFIG);
  protected readonly topicsService = inject(TopicsService);
  protected readonly services: readonly TransportService[] = [inject(PollingService), inject(LongPollingService), inject(SseService), inject(WebSocketService)];
  protected readonly rows: readonly ComparisonRow[] = this.services.map((service) => ({ service, guide: guideFor(service.name) }));

  private readonly parsedTopics = computed(() => {
    const text = this.topicsParam();
    return text === undefined || text.trim() === '' ? undefined : parseTopicInput(text);
  });
  /** What every panel is subscribed to. */
  protected readonly selectedTopics = computed<readonly string[]>(
    () => {
      const parsed = this.parsedTopics();
      return parsed?.ok ? parsed.topics : DEFAULT_TOPICS;
    },
    { equal: (a, b) => a.join(',') === b.join(',') },
  );
  protected readonly topicsParamError = computed(() => {
    const parsed = this.parsedTopics();
    return parsed && !parsed.ok ? parsed.message : undefined;
  });

  /** Right edge of the latency chart, advanced every second so it scrolls while quiet. */
  protected readonly now = signal(this.clock.now());
  protected readonly chartSeries = computed<ChartSeries[]>(() =>
    this.rows.map(({ service, guide }) => {
      const { p50, p95 } = service.stats().latency;
      return { id: guide.name, label: guide.label, color: guide.color, dash: guide.dash, points: service.latency(), summary: `p50 ${formatMs(p50)} · p95 ${formatMs(p95)}` };
    }),
  );
  protected readonly knownTopicNames = computed(() => this.topicsService.topics().map((topic) => topic.name));
  protected readonly allPaused = computed(() => this.services.every((service) => service.canResume()));
  protected readonly nonePaused = computed(() => this.services.every((service) => !service.canResume()));

  constructor() {
    effect(() => {
      const topics = this.selectedTopics();
      untracked(() => this.services.forEach((service) => service.start(topics)));
    });
    this.topicsService.start();
    const tick = setInterval(() => this.now.set(this.clock.now()), 1_000);
    inject(DestroyRef).onDestroy(() => clearInterval(tick));
  }

  protected selectTopics(topics: readonly string[]): void {
    void this.router.navigate([], { queryParams: { topics: topics.join(',') } });
  }

  protected pauseAll(): void {
    this.services.forEach((service) => service.pause());
  }

  protected resumeAll(): void {
    this.services.forEach((service) => service.resume());
  }

  protected onPublished(): void {
    this.topicsService.refresh();
  }
}
