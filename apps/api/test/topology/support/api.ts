import { API_MAIN, WORKSPACE } from './build';
import { baseEnv, Exit, freePort, HOST, ManagedProcess, waitFor } from './processes';

/** Settings every instance of the test topology shares: short timers so reconnects and drains happen in test time. */
export const TOPOLOGY_API_ENV: Record<string, string> = {
  HERALD_BUS: 'redis',
  HERALD_TRUST_PROXY: 'on',
  HERALD_HEARTBEAT_MS: '500',
  HERALD_SSE_RETRY_MS: '100',
  HERALD_WS_PING_MS: '1000',
  HERALD_SHUTDOWN_DRAIN_MS: '2000',
  HERALD_LOG_LEVEL: 'warn',
  HERALD_DASHBOARD_DIR: 'dist/apps/dashboard/not-needed-here',
};

export async function readiness(url: string): Promise<{ status: number; body: { status?: string; error?: Record<string, unknown> } }> {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_000) });
    return { status: res.status, body: (await res.json()) as { status?: string } };
  } catch {
    return { status: 0, body: {} };
  }
}

/** One API process (`node dist/apps/api/main.js`) on a fixed loopback port, restartable on that port. */
export class ApiInstance {
  private process: ManagedProcess | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<ApiInstance> {
    const instance = new ApiInstance(name, await freePort(), env);
    await instance.resume();
    return instance;
  }

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get isRunning(): boolean {
    return this.process?.isRunning ?? false;
  }

  logs(): string {
    return this.process?.logs() ?? '';
  }

  /** Starts the process (again) and resolves once `/health/ready` answers 200. */
  async resume(): Promise<void> {
    if (this.process?.isRunning) return;
    const env = { ...baseEnv(), ...TOPOLOGY_API_ENV, ...this.env, PORT: String(this.port), HOST, HERALD_INSTANCE: this.name };
    const process = new ManagedProcess(this.name, 'node', ['--enable-source-maps', API_MAIN], env, WORKSPACE);
    this.process = process;
    await waitFor(
      async () => !process.isRunning || (await readiness(this.url)).status === 200,
      `${this.name} to be ready on port ${this.port}`,
      15_000,
      () => process.logs().slice(-4_000),
    );
    if (!process.isRunning) throw new Error(`${this.name} exited at start:\n${process.logs().slice(-4_000)}`);
  }

  signal(signal: NodeJS.Signals): void {
    this.process?.signal(signal);
  }

  /** Resolves when the process has exited. */
  exited(): Promise<Exit> {
    return this.process?.exited ?? Promise.resolve({ code: null, signal: null });
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    return this.process?.stop(signal, 8_000) ?? Promise.resolve({ code: null, signal: null });
  }
}
