import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { DatePipe } from '@angular/common';
import type { TransportService, TransportViewState } from '@herald/dashboard-data-access';
import { BadgeStatus, BytesPipe, CountPipe, MsPipe, StatusBadge } from '@herald/dashboard-ui';
import { CompactJsonPipe } from '../compact-json.pipe';
import type { TransportGuide } from '../transport-guide';

/** How a connection state reads in a sentence. */
export function describeState(state: TransportViewState, guide: TransportGuide): string {
  switch (state.status) {
    case 'idle':
      return 'Not subscribed yet.';
    case 'connecting':
      return 'Opening the connection…';
    case 'open':
      return guide.how;
    case 'reconnecting': {
      const when = state.delayMs > 0 ? ` in ${(state.delayMs / 1000).toFixed(1)} s` : '';
      return `Connection lost — attempt ${state.attempt}${when}. ${state.reason}`;
    }
    case 'paused':
      return 'Paused: connection closed, cursor kept. Resume picks up exactly where it stopped.';
    case 'closed':
      return state.error ? `Stopped: ${state.error.detail}` : `Closed (${state.reason}).`;
  }
}

export function badgeStatus(state: TransportViewState): BadgeStatus {
  return state.status === 'closed' && state.error ? 'failed' : state.status;
}

let nextId = 0;

/** One transport, live: status, controls, measured figures, reset notice and the last events it received. */
@Component({
  selector: 'hd-transport-panel',
  imports: [StatusBadge, MsPipe, BytesPipe, CountPipe, DatePipe, CompactJsonPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'card panel', '[attr.data-testid]': "'panel-' + service().name", '[style.--series]': 'guide().color', role: 'region', '[attr.aria-labelledby]': 'ids.heading' },
  templateUrl: './transport-panel.component.html',
  styleUrl: './transport-panel.component.css',
})
export class TransportPanel {
  readonly service = input.required<TransportService>();
  readonly guide = input.required<TransportGuide>();

  protected readonly ids = { heading: `hd-panel-${++nextId}`, hint: `hd-panel-hint-${nextId}` };
  protected readonly state = computed(() => this.service().state());
  protected readonly badge = computed(() => badgeStatus(this.state()));
  protected readonly detail = computed(() => describeState(this.state(), this.guide()));
  protected readonly stats = computed(() => this.service().stats());
  protected readonly multiTopic = computed(() => this.service().topics().length > 1);
  protected readonly topicText = computed(() => this.service().topics().join(', '));
  protected readonly shortCursor = computed(() => {
    const cursor = this.service().cursor();
    return cursor === undefined ? '—' : cursor.length > 18 ? `${cursor.slice(0, 8)}…${cursor.slice(-6)}` : cursor;
  });

  protected readonly hint = computed(() =>
    this.service().canResume() ? 'Reconnects and resumes from the cursor: nothing published meanwhile is lost.' : 'Closes the connection and keeps the cursor.',
  );

  protected toggle(): void {
    const service = this.service();
    if (service.canResume()) service.resume();
    else service.pause();
  }
}
