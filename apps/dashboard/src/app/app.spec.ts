import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';

describe('App shell', () => {
  it('renders the brand, navigation, a skip link and the outlet', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.querySelector('.skip')?.getAttribute('href')).toBe('#main');
    expect(element.querySelector('main#main router-outlet')).not.toBeNull();
    expect(Array.from(element.querySelectorAll('nav a')).map((a) => a.textContent?.trim())).toEqual(['Live comparison', 'API docs']);
  });
});
