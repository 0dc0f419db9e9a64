import { TestBed } from '@angular/core/testing';
import { HeraldError } from '@herald/client';
import type { Envelope } from '@herald/contracts';
import { HeraldApi } from '@herald/dashboard-data-access';
import { PublishForm, problemTitle } from './publish-form.component';

async function setup(publish: jest.Mock) {
  TestBed.configureTestingModule({ providers: [{ provide: HeraldApi, useValue: { publish } }] });
  const fixture = TestBed.createComponent(PublishForm);
  fixture.componentRef.setInput('defaultTopic', 'ticker');
  await fixture.whenStable();
  const element: HTMLElement = fixture.nativeElement;
  const field = <T extends HTMLElement>(id: string) => element.querySelector<T>(`[data-testid="${id}"]`) as T;
  const type = async (id: string, value: string) => {
    const input = field<HTMLInputElement | HTMLTextAreaElement>(id);
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  };
  const submit = async () => {
    field<HTMLButtonElement>('publish-submit').click();
    await fixture.whenStable();
    await Promise.resolve();
    await fixture.whenStable();
  };
  return { fixture, element, field, type, submit };
}

const stored: Envelope = { id: '12', topic: 'ticker', type: 'note', data: { seq: 1 }, ts: Date.UTC(2026, 0, 1, 9, 30, 0, 250) };

describe('PublishForm', () => {
  it('pre-fills the topic and publishes parsed JSON with the type', async () => {
    const publish = jest.fn().mockResolvedValue(stored);
    const { fixture, field, type, submit, element } = await setup(publish);
    const published: Envelope[] = [];
    fixture.componentInstance.published.subscribe((envelope) => published.push(envelope));
    await fixture.whenStable();
    expect(field<HTMLInputElement>('publish-topic').value).toBe('ticker');
    await type('publish-type', 'note');
    await type('publish-data', '{"seq": 1}');
    await submit();
    expect(publish).toHaveBeenCalledWith('ticker', { seq: 1 }, 'note');
    expect(published).toEqual([stored]);
    expect(element.querySelector('[data-testid="publish-result"]')?.textContent).toContain('#12');
  });

  it('sends no type when the field is empty', async () => {
    const publish = jest.fn().mockResolvedValue(stored);
    const { submit } = await setup(publish);
    await submit();
    expect(publish).toHaveBeenCalledWith('ticker', { text: 'hello from the dashboard' }, undefined);
  });

  it('shows a JSON error on the field and does not send', async () => {
    const publish = jest.fn();
    const { element, field, type, submit } = await setup(publish);
    await type('publish-data', '{"seq": ');
    const error = element.querySelector('[data-testid="data-error"]');
    expect(error?.textContent).toMatch(/Not valid JSON/);
    expect(field('publish-data').getAttribute('aria-invalid')).toBe('true');
    expect(field('publish-data').getAttribute('aria-describedby')).toBe(error?.id);
    await submit();
    expect(publish).not.toHaveBeenCalled();
    expect(document.activeElement === field('publish-data') || !element.isConnected).toBe(true);
  });

  it('rejects a bad topic name before sending', async () => {
    const publish = jest.fn();
    const { element, type, submit } = await setup(publish);
    await type('publish-topic', 'no spaces allowed');
    await submit();
    expect(element.querySelector('[data-testid="topic-error"]')?.textContent).toContain('is not a topic name');
    expect(publish).not.toHaveBeenCalled();
  });

  it("shows the server's problem detail", async () => {
    const publish = jest.fn().mockRejectedValue(new HeraldError(413, 'payload_too_large', 'data is 3000 bytes as JSON; the limit is 2048'));
    const { element, submit } = await setup(publish);
    await submit();
    const alert = element.querySelector('[data-testid="publish-error"]');
    expect(alert?.getAttribute('role')).toBe('alert');
    expect(alert?.textContent).toContain('The server refused the event');
    expect(alert?.textContent).toContain('data is 3000 bytes as JSON; the limit is 2048');
    expect(alert?.textContent).toContain('HTTP 413');
    expect(alert?.textContent).toContain('payload_too_large');
  });

  it('titles failures by whose problem they are', () => {
    expect(problemTitle(new HeraldError(0, 'network_error', 'refused'))).toBe('Could not reach Herald');
    expect(problemTitle(new HeraldError(0, 'invalid_topic', 'bad'))).toBe('Not sent');
    expect(problemTitle(new HeraldError(503, 'shutting_down', 'bye'))).toBe('The server failed to store the event');
    expect(problemTitle(new HeraldError(400, 'invalid_type', 'bad'))).toBe('The server refused the event');
  });
});
