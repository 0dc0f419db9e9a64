import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type BadgeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'paused' | 'closed' | 'failed';

const TEXT: Record<BadgeStatus, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  open: 'Live',
  reconnecting: 'Reconnecting',
  paused: 'Paused',
  closed: 'Closed',
  failed: 'Failed',
};

/** A connection status pill; a polite live region, so status changes are announced. */
@Component({
  selector: 'hd-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'status',
    '[attr.data-status]': 'status()',
    '[class]': "'badge badge-' + status()",
  },
  template: `<span class="dot" aria-hidden="true"></span><span class="text">{{ text() }}</span>@if (label()) {<span class="sr-only"> — {{ label() }}</span>}`,
  styles: `
    :host { display: inline-flex; align-items: center; gap: 0.4rem; padding: 0.15rem 0.6rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
    .dot { width: 0.55rem; height: 0.55rem; border-radius: 50%; background: currentColor; }
    :host(.badge-open) { background: #dcfce7; color: #166534; border-color: #86efac; }
    :host(.badge-connecting), :host(.badge-reconnecting) { background: #fef3c7; color: #92400e; border-color: #fcd34d; }
    :host(.badge-reconnecting) .dot { animation: pulse 1s ease-in-out infinite; }
    :host(.badge-paused), :host(.badge-idle), :host(.badge-closed) { background: #f3f4f6; color: #374151; border-color: #d1d5db; }
    :host(.badge-failed) { background: #fee2e2; color: #991b1b; border-color: #fca5a5; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    @keyframes pulse { 50% { opacity: 0.25; } }
    @media (prefers-reduced-motion: reduce) { :host(.badge-reconnecting) .dot { animation: none; } }
  `,
})
export class StatusBadge {
  readonly status = input.required<BadgeStatus>();
  /** Extra words for screen readers, e.g. the transport's name. */
  readonly label = input<string>('');
  protected readonly text = computed(() => TEXT[this.status()]);
}
