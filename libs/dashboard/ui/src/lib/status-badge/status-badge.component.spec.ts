import { TestBed } from '@angular/core/testing';
import { StatusBadge } from './status-badge.component';

describe('StatusBadge', () => {
  it('shows the status as text, a data attribute and a live region', async () => {
    const fixture = TestBed.createComponent(StatusBadge);
    fixture.componentRef.setInput('status', 'reconnecting');
    fixture.componentRef.setInput('label', 'WebSocket');
    await fixture.whenStable();
    const host: HTMLElement = fixture.nativeElement;
    expect(host.getAttribute('role')).toBe('status');
    expect(host.getAttribute('aria-live')).toBe('polite');
    expect(host.dataset['status']).toBe('reconnecting');
    expect(host.textContent).toContain('Reconnecting — WebSocket');
    fixture.componentRef.setInput('status', 'open');
    await fixture.whenStable();
    expect(host.textContent).toContain('Live');
    expect(host.className).toContain('badge-open');
  });
});
