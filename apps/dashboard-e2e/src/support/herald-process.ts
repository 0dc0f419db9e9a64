import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { API_MAIN, DASHBOARD_DIR, WORKSPACE_ROOT } from './prerequisites';

/** A loopback port nothing listens on right now (kept for the whole run, so a restart reuses it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The built API (`node dist/apps/api/main.js`) as a child process on a fixed
 * loopback port, so it can be stopped and started again at the same address —
 * as an operator restarting the server would.
 */
export class HeraldProcess {
  private child: ChildProcess | undefined;
  private log: string[] = [];

  constructor(
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process's last lines of output, for failure messages. */
  output(lines = 40): string {
    return this.log.join('').split('\n').slice(-lines).join('\n');
  }

  /** Starts the API and resolves once `GET /api/topics` answers (at most `timeoutMs`). */
  async start(timeoutMs = 20_000): Promise<void> {
    if (this.child) throw new Error('the API is already running');
    const child = spawn(process.execPath, [API_MAIN], {
      cwd: WORKSPACE_ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        HERALD_DEMO: 'off',
        HERALD_AUTH: 'off',
        HERALD_DASHBOARD_DIR: DASHBOARD_DIR,
        HERALD_LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const record = (chunk: Buffer) => {
      this.log.push(chunk.toString());
      if (this.log.length > 400) this.log = this.log.slice(-200);
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      exited = `exited (code ${code}, signal ${signal})`;
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`the API ${exited} while starting:\n${this.output()}`);
      try {
        const response = await fetch(`${this.url}/api/topics`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await delay(100);
    }
    await this.stop();
    throw new Error(`the API did not answer on ${this.url} within ${timeoutMs} ms:\n${this.output()}`);
  }

  /** Stops the API with `signal` (graceful on SIGTERM) and waits for it to exit; SIGKILL after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }
}
