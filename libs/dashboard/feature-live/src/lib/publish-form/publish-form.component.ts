import { ChangeDetectionStrategy, Component, effect, ElementRef, inject, input, output, signal, untracked } from '@angular/core';
import { DatePipe } from '@angular/common';
import { AbstractControl, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { EVENT_TYPE_PATTERN, Envelope, TOPIC_PATTERN } from '@herald/contracts';
import type { HeraldError } from '@herald/client';
import { asHeraldError, HeraldApi } from '@herald/dashboard-data-access';
import { jsonBytes, jsonValidator, parseJsonInput } from './json-input';

export type PublishOutcome = { ok: true; envelope: Envelope } | { ok: false; error: HeraldError };

/** A heading for a failed publish that says whose problem it is. */
export function problemTitle(error: HeraldError): string {
  if (error.status === 0 && (error.code === 'network_error' || error.code === 'timeout')) return 'Could not reach Herald';
  if (error.status === 0) return 'Not sent';
  if (error.status >= 500) return 'The server failed to store the event';
  return 'The server refused the event';
}

const FIELDS = ['topic', 'type', 'data'] as const;
type Field = (typeof FIELDS)[number];

let nextId = 0;

/** Publishes one event over HTTP, checking topic, type and JSON data before it is sent. */
@Component({
  selector: 'hd-publish-form',
  imports: [ReactiveFormsModule, DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './publish-form.component.html',
  styleUrl: './publish-form.component.css',
})
export class PublishForm {
  private readonly api = inject(HeraldApi);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  /** Pre-filled topic while the field is untouched. */
  readonly defaultTopic = input<string>('');
  /** Suggestions for the topic field. */
  readonly knownTopics = input<readonly string[]>([]);
  readonly published = output<Envelope>();

  protected readonly id = `hd-publish-${++nextId}`;
  protected readonly sending = signal(false);
  protected readonly outcome = signal<PublishOutcome | undefined>(undefined);
  /** Publishes answered so far (success or failure); exposed as `data-attempts` so tests can wait for one to finish. */
  protected readonly attempts = signal(0);

  protected readonly form = inject(NonNullableFormBuilder).group({
    topic: ['', [Validators.required, Validators.pattern(TOPIC_PATTERN)]],
    type: ['', [Validators.pattern(EVENT_TYPE_PATTERN)]],
    data: ['{\n  "text": "hello from the dashboard"\n}', [jsonValidator]],
  });

  constructor() {
    effect(() => {
      const topic = this.defaultTopic();
      untracked(() => {
        const control = this.form.controls.topic;
        if (!control.dirty) control.setValue(topic);
      });
    });
  }

  protected showError(field: Field): boolean {
    const control: AbstractControl = this.form.controls[field];
    return control.invalid && (control.touched || control.dirty);
  }

  protected topicError(): string {
    const control = this.form.controls.topic;
    if (control.hasError('required')) return 'Enter a topic name.';
    const value = control.value;
    return `"${value.length > 30 ? value.slice(0, 30) + '…' : value}" is not a topic name: start with a letter or digit, then up to 127 of A–Z a–z 0–9 . _ : -`;
  }

  protected typeError(): string {
    return 'Event types are 1–64 characters without control characters (leave empty for "message").';
  }

  protected dataError(): string {
    return String(this.form.controls.data.getError('json') ?? '');
  }

  protected dataSize(): string {
    const parsed = parseJsonInput(this.form.controls.data.value);
    return parsed.ok ? `${jsonBytes(parsed.value)} bytes as JSON` : '';
  }

  /** Re-indents valid JSON in the data field. */
  protected format(): void {
    const parsed = parseJsonInput(this.form.controls.data.value);
    if (parsed.ok) this.form.controls.data.setValue(JSON.stringify(parsed.value, null, 2));
    else this.form.controls.data.markAsTouched();
  }

  protected async submit(): Promise<void> {
    if (this.sending()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      const first = FIELDS.find((field) => this.form.controls[field].invalid);
      this.host.nativeElement.querySelector<HTMLElement>(`#${this.id}-${first}`)?.focus();
      return;
    }
    const { topic, type, data } = this.form.getRawValue();
    const parsed = parseJsonInput(data);
    if (!parsed.ok) return;
    this.sending.set(true);
    this.outcome.set(undefined);
    try {
      const envelope = await this.api.publish(topic, parsed.value, type === '' ? undefined : type);
      this.outcome.set({ ok: true, envelope });
      this.published.emit(envelope);
    } catch (error) {
      this.outcome.set({ ok: false, error: asHeraldError(error, 'publish failed') });
    } finally {
      this.sending.set(false);
      this.attempts.update((n) => n + 1);
    }
  }

  protected title(error: HeraldError): string {
    return problemTitle(error);
  }
}
