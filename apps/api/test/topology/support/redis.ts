import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { baseEnv, freePort, HOST, ManagedProcess, waitFor } from './processes';

/** Does a PING on `port` get +PONG (not -LOADING, not refused)? */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

export function assertInstalled(bin: string, pkg: string): void {
  const probe = spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
  if (probe.status !== 0) {
    throw new Error(`${bin} is not installed, and the topology tests run the real one. Install it with: apt-get install -y --no-install-recommends ${pkg}`);
  }
}

/**
 * `redis-server` on a loopback port with its data in `dir` and the append-only
 * file fsynced on every write, like a production Redis that must not lose the
 * log: stopping and starting it again keeps every event and the epoch.
 */
export class RedisServer {
  private process: ManagedProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string): Promise<RedisServer> {
    assertInstalled('redis-server', 'redis-server');
    mkdirSync(dir, { recursive: true });
    const server = new RedisServer(await freePort(), dir);
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  /** (Re)starts the server on the same port and data; resolves once it answers PING. */
  async resume(): Promise<void> {
    if (this.process?.isRunning) return;
    const args = ['--bind', HOST, '--port', String(this.port), '--dir', this.dir, '--save', '', '--appendonly', 'yes'];
    args.push('--appendfsync', 'always', '--loglevel', 'warning', '--logfile', join(this.dir, 'redis.log'));
    const process = new ManagedProcess('redis', 'redis-server', args, baseEnv());
    this.process = process;
    await waitFor(
      async () => (await pong(this.port)) || !process.isRunning,
      `redis-server on port ${this.port}`,
      10_000,
    );
    if (!process.isRunning) throw new Error(`redis-server exited at start:\n${process.logs()}`);
  }

  /** Stops the server (SIGTERM: it writes out what it holds and exits); the data stays in `dir`. */
  async stop(): Promise<void> {
    await this.process?.stop('SIGTERM', 5_000);
  }
}
