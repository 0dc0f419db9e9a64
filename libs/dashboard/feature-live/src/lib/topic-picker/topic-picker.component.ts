import { ChangeDetectionStrategy, Component, ElementRef, linkedSignal, output, input, signal, viewChild } from '@angular/core';
import { parseTopicInput } from './topic-input';

export type TopicPreset = 'ticker' | 'chat' | 'custom';

const PRESETS: readonly { value: TopicPreset; label: string; hint: string }[] = [
  { value: 'ticker', label: 'ticker', hint: 'demo prices, 4 a second' },
  { value: 'chat', label: 'chat', hint: 'demo messages' },
  { value: 'custom', label: 'Custom', hint: 'any topics' },
];

function presetOf(topics: readonly string[]): TopicPreset {
  return topics.length === 1 && (topics[0] === 'ticker' || topics[0] === 'chat') ? topics[0] : 'custom';
}

let nextId = 0;

/** Chooses what every panel subscribes to: a demo topic or a list of any topics. */
@Component({
  selector: 'hd-topic-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="picker" data-testid="topic-picker" (submit)="apply($event)" novalidate>
      <fieldset>
        <legend>Subscribe all four panels to</legend>
        <div class="options">
          @for (preset of presets; track preset.value) {
            <label class="option">
              <input type="radio" [name]="ids.group" [value]="preset.value" [checked]="mode() === preset.value" (change)="choose(preset.value)" />
              <span><strong>{{ preset.label }}</strong>&ngsp;<span class="hint">{{ preset.hint }}</span></span>
            </label>
          }
        </div>
      </fieldset>
      @if (mode() === 'custom') {
        <div class="custom">
          <label [for]="ids.input">Topics&ngsp;<span class="hint">comma-separated</span></label>
          <div class="row">
            <input
              #custom
              [id]="ids.input"
              data-testid="custom-topics"
              type="text"
              autocomplete="off"
              spellcheck="false"
              placeholder="orders, audit.log"
              [value]="text()"
              (input)="text.set($any($event.target).value)"
              [attr.aria-invalid]="error() ? true : null"
              [attr.aria-describedby]="error() ? ids.error : null"
            />
            <button type="submit" class="primary" data-testid="apply-topics">Subscribe</button>
          </div>
          @if (error(); as message) {
            <p class="error" [id]="ids.error" role="alert">{{ message }}</p>
          }
        </div>
      }
    </form>
  `,
  styles: `
    .picker { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: flex-end; }
    fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
    legend { font-weight: 600; font-size: 0.85rem; margin-bottom: 0.35rem; padding: 0; }
    .options { display: flex; flex-wrap: wrap; gap: 0.4rem; }
    .option { display: inline-flex; align-items: center; gap: 0.4rem; padding: 0.35rem 0.7rem; border: 1px solid var(--hd-border); border-radius: 999px; background: #fff; cursor: pointer; font-size: 0.9rem; }
    .option:has(input:checked) { border-color: var(--hd-accent); background: #eff6ff; }
    .option:has(input:focus-visible) { outline: 3px solid var(--hd-focus); outline-offset: 2px; }
    .hint { color: var(--hd-muted); font-weight: 400; font-size: 0.8rem; }
    .custom { display: flex; flex-direction: column; gap: 0.25rem; flex: 1 1 18rem; max-width: 32rem; }
    .custom label { font-weight: 600; font-size: 0.85rem; }
    .row { display: flex; gap: 0.4rem; }
    .row input { flex: 1; min-width: 0; }
    .error { margin: 0; }
  `,
})
export class TopicPicker {
  readonly selected = input.required<readonly string[]>();
  readonly selectedChange = output<string[]>();

  protected readonly presets = PRESETS;
  protected readonly ids = { group: `hd-topics-${++nextId}`, input: `hd-topics-input-${nextId}`, error: `hd-topics-error-${nextId}` };
  protected readonly mode = linkedSignal<TopicPreset>(() => presetOf(this.selected()));
  protected readonly text = linkedSignal(() => (presetOf(this.selected()) === 'custom' ? this.selected().join(', ') : ''));
  protected readonly error = signal<string | undefined>(undefined);
  private readonly customInput = viewChild<ElementRef<HTMLInputElement>>('custom');

  protected choose(mode: TopicPreset): void {
    this.mode.set(mode);
    this.error.set(undefined);
    if (mode === 'custom') {
      setTimeout(() => this.customInput()?.nativeElement.focus());
      return;
    }
    this.selectedChange.emit([mode]);
  }

  protected apply(event: Event): void {
    event.preventDefault();
    const parsed = parseTopicInput(this.text());
    if (!parsed.ok) {
      this.error.set(parsed.message);
      return;
    }
    this.error.set(undefined);
    this.selectedChange.emit(parsed.topics);
  }
}
