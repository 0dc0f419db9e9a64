import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway `redis-server` on a loopback port, without persistence. */
export interface RedisTestServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (its data is gone); `restart()` brings a fresh, empty one back on the same port. */
  stop(): Promise<void>;
  /** Stops the server if it runs, then starts an empty one on the same port and waits until it answers. */
  restart(): Promise<void>;
}

export interface RedisTestServerOptions {
  /** Longest wait for the server to answer PING (default 5,000 ms). */
  readyTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const STOP_TIMEOUT_MS = 3_000;

/**
 * Starts `redis-server` on a free loopback port and resolves once it answers PING.
 * Throws, naming the fix, when `redis-server` is not installed: tests that need
 * Redis never pass by skipping.
 */
export async function startRedisTestServer(options: RedisTestServerOptions = {}): Promise<RedisTestServer> {
  assertRedisServerInstalled();
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
  const dir = mkdtempSync(join(tmpdir(), 'herald-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir, readyTimeoutMs);
    } catch (error) {
      // Another process may have taken the port in between: try another one, a few times.
      if (attempt >= 2) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stopChild = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await terminate(running);
  };

  return {
    url: `redis://${HOST}:${port}`,
    port,
    stop: async () => {
      await stopChild();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stopChild();
      mkdirSync(dir, { recursive: true });
      process.off('exit', killOnExit);
      process.once('exit', killOnExit);
      child = await launch(port, dir, readyTimeoutMs);
    },
  };
}

function assertRedisServerInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-server is not installed (or not on PATH), and the Redis tests need a real server. ' +
        'Install it with: apt-get install -y redis-server',
    );
  }
}

/** A port the OS considers free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function launch(port: number, dir: string, readyTimeoutMs: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exited = false;
  child.once('exit', () => (exited = true));

  const deadline = Date.now() + readyTimeoutMs;
  while (!(await pingAnswers(port))) {
    if (exited || Date.now() > deadline) {
      await terminate(child);
      throw new Error(`redis-server on port ${port} did not answer PING within ${readyTimeoutMs} ms:\n${output}`);
    }
    await sleep(20);
  }
  return child;
}

/** True when a `PING` on `port` is answered with `+PONG`. */
function pingAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const done = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
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

/** Stops the process (SIGTERM, then SIGKILL if it lingers) and resolves once it has exited. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
