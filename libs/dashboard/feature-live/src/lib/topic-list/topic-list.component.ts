import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { DatePipe } from '@angular/common';
import type { TopicInfo } from '@herald/contracts';
import type { HeraldError } from '@herald/client';
import type { TopicsStatus } from '@herald/dashboard-data-access';
import { CountPipe } from '@herald/dashboard-ui';

/** Every topic the server knows, with live subscribers per transport. */
@Component({
  selector: 'hd-topic-list',
  imports: [CountPipe, DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="head">
      <h2 id="hd-topic-list-title">Topics</h2>
      <p class="sub">
        @if (updatedAt(); as at) {
          refreshed every 2 s · last {{ at | date: 'HH:mm:ss' }} · click a topic to watch it
        } @else {
          refreshed every 2 s
        }
      </p>
    </div>
    @if (status() === 'loading' && topics().length === 0) {
      <p class="state">Loading topics…</p>
    } @else if (status() === 'error' && topics().length === 0) {
      <p class="state error-text">Topic list unavailable: {{ error()?.detail }}</p>
    } @else if (topics().length === 0) {
      <p class="state" data-testid="topics-empty">No topics yet. Publish an event to create one.</p>
    } @else {
      <div class="scroll" role="region" aria-labelledby="hd-topic-list-title" tabindex="0">
        <table data-testid="topic-table">
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col" class="num">Latest</th>
              <th scope="col" class="num kept">Kept</th>
              <th scope="col" class="num" title="short polling"><abbr title="short polling">Poll</abbr></th>
              <th scope="col" class="num"><abbr title="long polling">Long</abbr></th>
              <th scope="col" class="num"><abbr title="Server-Sent Events">SSE</abbr></th>
              <th scope="col" class="num"><abbr title="WebSocket">WS</abbr></th>
            </tr>
          </thead>
          <tbody>
            @for (topic of topics(); track topic.name) {
              <tr data-testid="topic-row" [attr.data-topic]="topic.name" [class.watched]="watched().includes(topic.name)">
                <th scope="row" class="name">
                  @if (watched().includes(topic.name)) {
                    <span class="watching" title="the panels are subscribed to this topic">{{ topic.name }}</span>
                  } @else {
                    <button type="button" class="link" title="Subscribe the four panels to this topic" (click)="watch.emit(topic.name)"><span class="sr-only">Watch </span>{{ topic.name }}</button>
                  }
                </th>
                <td class="num">{{ topic.latest | count }}</td>
                <td class="num kept">{{ topic.retained | count }}</td>
                <td class="num" data-testid="subs-poll">{{ topic.subscribers.poll }}</td>
                <td class="num" data-testid="subs-longPoll">{{ topic.subscribers.longPoll }}</td>
                <td class="num" data-testid="subs-sse">{{ topic.subscribers.sse }}</td>
                <td class="num" data-testid="subs-ws">{{ topic.subscribers.ws }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    }
  `,
  styles: `
    :host { display: block; }
    .head { display: flex; align-items: baseline; justify-content: space-between; gap: 0.5rem; flex-wrap: wrap; margin-bottom: 0.5rem; }
    h2 { margin: 0; font-size: 1.05rem; }
    .sub { margin: 0; color: var(--hd-muted); font-size: 0.8rem; }
    .state { color: var(--hd-muted); margin: 0.5rem 0; }
    .error-text { color: #991b1b; }
    .scroll { overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-size: 0.85rem; }
    th, td { padding: 0.35rem 0.3rem; border-bottom: 1px solid var(--hd-grid); text-align: left; white-space: nowrap; }
    thead th { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.03em; color: var(--hd-muted); }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    .name { font-family: var(--hd-mono); font-weight: 600; font-size: 0.82rem; max-width: 12rem; overflow: hidden; text-overflow: ellipsis; }
    tr.watched { background: #eff6ff; }
    .watching { font-weight: 700; }
    .watching::after { content: ' ●'; color: var(--hd-accent); font-size: 0.7rem; }
    abbr { text-decoration: none; }
    @media (max-width: 480px) {
      .kept { display: none; }
      th, td { padding: 0.3rem 0.2rem; }
      .name { max-width: 7rem; }
    }
    .name button { font-family: var(--hd-mono); font-size: 0.82rem; font-weight: 600; }
  `,
})
export class TopicList {
  readonly topics = input.required<readonly TopicInfo[]>();
  readonly status = input<TopicsStatus>('loading');
  readonly error = input<HeraldError | undefined>(undefined);
  readonly updatedAt = input<number | undefined>(undefined);
  /** Topics the panels are subscribed to (marked, no Watch button). */
  readonly watched = input<readonly string[]>([]);
  /** The user asked to subscribe the panels to this topic. */
  readonly watch = output<string>();
}
