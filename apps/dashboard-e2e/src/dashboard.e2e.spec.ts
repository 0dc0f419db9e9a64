import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { DashboardPage, Transport, TRANSPORTS } from './support/dashboard-page';
import { freePort, HeraldProcess } from './support/herald-process';
import { requireBuilds, requireChromium, WORKSPACE_ROOT } from './support/prerequisites';

/**
 * The dashboard in Debian's chromium against the real, built API: publish from
 * the form, watch all four transports receive it, restart the server under
 * them, pause and resume — and check every panel's received sequence against
 * what was published (nothing lost, nothing doubled).
 */
const SCREENSHOT_DIR = join(WORKSPACE_ROOT, 'tmp', 'e2e');
const MAX_PAYLOAD_BYTES = 2048;
const TOPIC = `e2e.${Date.now().toString(36)}`;
/** Longer than a short-poll interval: a late duplicate would have arrived by then. */
const GRACE_MS = 1_500;
/** Per step; the whole file stays well under 2 minutes. */
const STEP_MS = 45_000;

describe('Herald dashboard in a real browser', () => {
  let api: HeraldProcess;
  let context: BrowserContext;
  let page: Page;
  let dashboard: DashboardPage;
  let userDataDir: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    requireBuilds();
    const executablePath = requireChromium();
    api = new HeraldProcess(await freePort(), {
      HERALD_SSE_RETRY_MS: '200',
      HERALD_HEARTBEAT_MS: '1000',
      HERALD_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
    });
    await api.start();
    userDataDir = mkdtempSync(join(tmpdir(), 'herald-dashboard-e2e-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => browserErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED|WebSocket connection/.test(message.text())) {
        browserErrors.push(`console: ${message.text()}`);
      }
    });
    dashboard = new DashboardPage(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await api?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  }, 30_000);

  /** Each panel's sequence, oldest first, must be exactly `expected`. */
  async function expectExactly(expected: number[]): Promise<void> {
    await page.waitForTimeout(GRACE_MS);
    const seqs = await dashboard.seqs(TOPIC);
    for (const name of TRANSPORTS) expect({ panel: name, seqs: seqs[name] }).toEqual({ panel: name, seqs: expected });
    const integrity = await page.locator('[data-testid="integrity"]').evaluateAll((nodes) => nodes.map((node) => `${(node as HTMLElement).dataset['gaps']}/${(node as HTMLElement).dataset['duplicates']}`));
    expect(integrity).toEqual(['0/0', '0/0', '0/0', '0/0']);
  }

  it('opens with all four transports live on the chosen topic', async () => {
    await page.goto(`${api.url}/?topics=${TOPIC}`);
    await dashboard.waitForAllStatus('open');
    expect(await page.getByTestId('publish-topic').inputValue()).toBe(TOPIC);
    expect(await page.locator('[data-testid="events-empty"]').count()).toBe(4);
    expect(await page.getByTestId('api-status').getAttribute('data-reachable')).toBe('true');
  }, STEP_MS);

  it('publishes from the form and every panel shows each event once', async () => {
    for (const seq of [1, 2, 3]) expect(await dashboard.publish({ seq })).toContain(`on ${TOPIC}`);
    await dashboard.waitForSeqs(TOPIC, [1, 2, 3]);
    await expectExactly([1, 2, 3]);
    // The topic list shows the topic with a live subscriber on every transport.
    const row = page.locator(`[data-testid="topic-row"][data-topic="${TOPIC}"]`);
    await dashboard.waitFor(
      async () => (await row.count()) === 1 && (await Promise.all(['poll', 'longPoll', 'sse', 'ws'].map(async (kind) => Number(await row.getByTestId(`subs-${kind}`).innerText())))).every((n) => n >= 1),
      async () => `the topic list to count a subscriber per transport on ${TOPIC}`,
      10_000,
    );
  }, STEP_MS);

  it('explains bad JSON on the field and shows the server problem detail', async () => {
    await page.getByTestId('publish-data').fill('{"seq": ');
    await page.getByTestId('publish-data').blur();
    expect(await page.getByTestId('data-error').innerText()).toBe('Not valid JSON at line 1, column 9: expected a value, found the end of the input.');
    expect(await page.getByTestId('publish-data').getAttribute('aria-invalid')).toBe('true');

    const tooBig = JSON.stringify({ blob: 'x'.repeat(MAX_PAYLOAD_BYTES + 100) });
    const direct = await fetch(`${api.url}/api/topics/${TOPIC}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"data":${tooBig}}` });
    const problem = (await direct.json()) as { detail: string; code: string };
    expect(direct.status).toBe(413);
    const outcome = await dashboard.submitForm(tooBig);
    expect(outcome.ok).toBe(false);
    expect(await page.getByTestId('publish-error-detail').innerText()).toBe(problem.detail);
    expect(outcome.text).toContain('HTTP 413');
    expect(outcome.text).toContain(problem.code);
    // Nothing reached the panels.
    await expectExactly([1, 2, 3]);
  }, STEP_MS);

  it('survives an API restart: every panel reconnects, takes the reset, and loses or repeats nothing', async () => {
    await api.stop('SIGTERM');
    await dashboard.waitForAllStatus('reconnecting');
    await page.getByTestId('api-banner').waitFor({ timeout: 10_000 });

    await api.start();
    // Published as soon as the server is back, possibly before a panel reconnected: the reset replays it.
    await dashboard.publish({ seq: 4 });
    await dashboard.waitForAllStatus('open');
    for (const name of TRANSPORTS) await dashboard.panel(name).getByTestId('reset-notice').waitFor({ timeout: 10_000 });
    await dashboard.publish({ seq: 5 });
    await dashboard.publish({ seq: 6 });
    await dashboard.waitForSeqs(TOPIC, [4, 5, 6]);
    await expectExactly([1, 2, 3, 4, 5, 6]);

    // The restarted in-memory server is a new epoch: ids start over, in a new generation.
    const rows = await dashboard.rows(TOPIC);
    for (const name of TRANSPORTS) {
      expect({ panel: name, rows: rows[name].slice(3).map((row) => [row.id, row.generation]) }).toEqual({ panel: name, rows: [['1', 1], ['2', 1], ['3', 1]] });
    }
    await page.getByTestId('api-banner').waitFor({ state: 'detached', timeout: 10_000 });
    const reconnects = await page.locator('[data-testid="reconnects"]').allInnerTexts();
    expect(reconnects.map(Number).every((n) => n >= 1)).toBe(true);
  }, STEP_MS);

  it('pauses (kills) each connection and resumes from its cursor', async () => {
    for (const name of TRANSPORTS) await dashboard.panel(name).getByTestId('pause-toggle').click();
    await dashboard.waitForAllStatus('paused');
    await dashboard.publish({ seq: 7 });
    await dashboard.publish({ seq: 8 });
    await page.waitForTimeout(GRACE_MS);
    const whilePaused = await dashboard.seqs(TOPIC);
    for (const name of TRANSPORTS) expect({ panel: name, seqs: whilePaused[name] }).toEqual({ panel: name, seqs: [1, 2, 3, 4, 5, 6] });

    for (const name of TRANSPORTS) await dashboard.panel(name).getByTestId('pause-toggle').click();
    await dashboard.waitForAllStatus('open');
    await dashboard.waitForSeqs(TOPIC, [7, 8]);
    await expectExactly([1, 2, 3, 4, 5, 6, 7, 8]);
  }, STEP_MS);

  it('saves screenshots at 1280 px and 390 px with no horizontal overflow', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.waitForTimeout(1_000); // let the chart tick
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-mobile.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(browserErrors).toEqual([]);
  }, STEP_MS);
});

export type { Transport };
