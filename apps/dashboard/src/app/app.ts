import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterOutlet } from '@angular/router';

@Component({
  selector: 'hd-root',
  imports: [RouterOutlet, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="skip" href="#main">Skip to content</a>
    <header class="bar">
      <a class="brand" routerLink="/" aria-label="Herald — home">
        <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" fill="#1d4ed8" />
          <path d="M9 22V10m14 12V10M9 16h14" stroke="#fff" stroke-width="3" stroke-linecap="round" />
        </svg>
        <span>Herald</span>
      </a>
      <nav aria-label="Main">
        <a routerLink="/">Live comparison</a>
        <a href="/api/docs">API docs</a>
      </nav>
    </header>
    <main id="main" tabindex="-1"><router-outlet /></main>
    <footer class="foot">Herald — real-time events over short polling, long polling, SSE and WebSocket, from one event log.</footer>
  `,
  styles: `
    :host { display: flex; flex-direction: column; min-height: 100vh; }
    .skip { position: absolute; left: -999px; top: 0.5rem; background: #fff; padding: 0.5rem 0.75rem; border-radius: 6px; z-index: 10; }
    .skip:focus { left: 0.5rem; }
    .bar { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: 0.6rem clamp(0.75rem, 3vw, 1.5rem); background: #0f172a; color: #e2e8f0; }
    .brand { display: inline-flex; align-items: center; gap: 0.55rem; color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; }
    nav { display: flex; gap: 1rem; font-size: 0.9rem; }
    nav a { color: #cbd5e1; text-decoration: none; }
    nav a:hover { color: #fff; text-decoration: underline; }
    main { flex: 1; width: 100%; max-width: 1600px; margin: 0 auto; padding: 1.25rem clamp(0.75rem, 3vw, 1.5rem) 2rem; box-sizing: border-box; outline: none; }
    .foot { padding: 1rem clamp(0.75rem, 3vw, 1.5rem); color: var(--hd-muted); font-size: 0.8rem; border-top: 1px solid var(--hd-border); }
  `,
})
export class App {}
