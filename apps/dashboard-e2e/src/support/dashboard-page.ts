import type { Page } from 'playwright-core';

export const TRANSPORTS = ['poll', 'long-poll', 'sse', 'ws'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** One event row as a panel shows it, oldest first. */
export interface Row {
  id: string;
  generation: number;
  seq: number | undefined;
}

/** Reads and drives the dashboard through its data-testid attributes only. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  panel(name: Transport) {
    return this.page.locator(`[data-testid="panel-${name}"]`);
  }

  /** The rows of `topic` in every panel, oldest first. */
  async rows(topic: string): Promise<Record<Transport, Row[]>> {
    return this.page.evaluate(
      ({ topic, transports }) => {
        const result: Record<string, { id: string; generation: number; seq: number | undefined }[]> = {};
        for (const name of transports) {
          const rows = Array.from(document.querySelectorAll<HTMLElement>(`[data-testid="panel-${name}"] [data-testid="event-row"]`));
          result[name] = rows
            .filter((row) => row.dataset['topic'] === topic)
            .map((row) => {
              let seq: number | undefined;
              try {
                seq = (JSON.parse(row.querySelector('[data-testid="event-data"]')?.textContent ?? 'null') as { seq?: number } | null)?.seq;
              } catch {
                seq = undefined;
              }
              return { id: row.dataset['id'] ?? '', generation: Number(row.dataset['generation']), seq };
            })
            .reverse();
        }
        return result as Record<Transport, Row[]>;
      },
      { topic, transports: TRANSPORTS },
    );
  }

  async statuses(): Promise<Record<Transport, string>> {
    return this.page.evaluate((transports) => {
      const result: Record<string, string> = {};
      for (const name of transports) {
        result[name] = document.querySelector<HTMLElement>(`[data-testid="panel-${name}"] [data-testid="status"]`)?.dataset['status'] ?? 'missing';
      }
      return result as Record<Transport, string>;
    }, TRANSPORTS);
  }

  /** Resolves when every panel's status is `status`; fails naming each panel's status otherwise. */
  async waitForAllStatus(status: string, timeoutMs = 20_000): Promise<void> {
    await this.waitFor(
      async () => Object.values(await this.statuses()).every((s) => s === status),
      async () => `every panel "${status}"; statuses now ${JSON.stringify(await this.statuses())}`,
      timeoutMs,
    );
  }

  /** Resolves when every panel has received every `seq` of `topic` (at least once). */
  async waitForSeqs(topic: string, seqs: readonly number[], timeoutMs = 20_000): Promise<void> {
    await this.waitFor(
      async () => Object.values(await this.rows(topic)).every((rows) => seqs.every((seq) => rows.some((row) => row.seq === seq))),
      async () => `every panel to show seq ${seqs.join(', ')}; panels show ${JSON.stringify(await this.seqs(topic))}`,
      timeoutMs,
    );
  }

  async seqs(topic: string): Promise<Record<Transport, (number | undefined)[]>> {
    const rows = await this.rows(topic);
    return Object.fromEntries(TRANSPORTS.map((name) => [name, rows[name].map((row) => row.seq)])) as Record<Transport, (number | undefined)[]>;
  }

  /** Publishes through the form and resolves with the success message; throws with the form's problem text otherwise. */
  async publish(data: unknown, type = 'step'): Promise<string> {
    const outcome = await this.submitForm(JSON.stringify(data), type);
    if (!outcome.ok) throw new Error(`publishing ${JSON.stringify(data)} failed: ${outcome.text}`);
    return outcome.text;
  }

  /** Fills type and data, submits, and waits for that submission's answer (`data-attempts` counts them). */
  async submitForm(dataText: string, type = 'step'): Promise<{ ok: boolean; text: string }> {
    const form = this.page.getByTestId('publish-form');
    const attempts = async () => Number(await form.getAttribute('data-attempts'));
    const before = await attempts();
    await this.page.getByTestId('publish-type').fill(type);
    await this.page.getByTestId('publish-data').fill(dataText);
    await this.page.getByTestId('publish-submit').click();
    await this.waitFor(
      async () => (await attempts()) > before,
      async () => `the publish of ${dataText.slice(0, 80)} to be answered`,
      10_000,
    );
    const error = this.page.getByTestId('publish-error');
    if ((await error.count()) > 0) return { ok: false, text: await error.innerText() };
    return { ok: true, text: await this.page.getByTestId('publish-result').innerText() };
  }

  /** Polls `check` every 100 ms; on timeout fails with `describe()`. */
  async waitFor(check: () => Promise<boolean>, describe: () => Promise<string>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${await describe()}`);
  }
}
