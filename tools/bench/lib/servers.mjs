// Starting and stopping the servers under test: each its own process, pinned to CPU 0.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpConnection } from './http-client.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..', '..');
export const HERALD_MAIN = join(REPO, 'dist', 'apps', 'api', 'main.js');

export const SERVER_KINDS = {
  herald: { label: 'Herald', proto: 'herald', transports: ['ws', 'sse', 'longPoll', 'poll'] },
  raw: { label: 'raw', proto: 'herald', transports: ['ws', 'sse', 'longPoll', 'poll'] },
  sio: { label: 'Socket.IO', proto: 'sio', transports: ['ws'] },
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** `K=V,K=V` (from --herald-env) as an object. */
function parseEnvList(list) {
  if (!list) return {};
  return Object.fromEntries(
    String(list)
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

function command(kind, port, opts) {
  const node = [process.execPath, '--expose-gc', '-r', join(here, 'gc-hook.cjs')];
  if (kind === 'herald') {
    const main = opts.heraldMain || HERALD_MAIN;
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npx nx build api" (or drop --no-build)`);
    return {
      args: [...node, main],
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        HERALD_BUS: 'memory',
        HERALD_LOG_LEVEL: 'warn',
        HERALD_DEMO: 'off',
        HERALD_RETENTION: String(opts.retention),
        // No dashboard build: the API alone is measured (see docs/performance.md).
        HERALD_DASHBOARD_DIR: join(REPO, 'tmp', 'bench-no-dashboard'),
        // One generator on one address opens thousands of connections and publishes thousands of
        // events per second: the per-address admission limits and rate limits would refuse them.
        // The checks still run; only their thresholds are raised. No authentication (the
        // baselines have none either); --herald-env HERALD_AUTH=on,... measures it.
        HERALD_AUTH: 'off',
        HERALD_MAX_CONNECTIONS: '1000000',
        HERALD_MAX_CONNECTIONS_PER_IP: '1000000',
        HERALD_RATE_PUBLISH_PER_MIN: '0',
        HERALD_RATE_CONNECT_PER_MIN: '0',
        ...parseEnvList(opts.heraldEnv),
      },
    };
  }
  const script = kind === 'raw' ? 'raw-server.mjs' : 'socketio-server.mjs';
  return { args: [...node, join(here, '..', script)], env: { PORT: String(port), HOST: '127.0.0.1', RETENTION: String(opts.retention) } };
}

/** Every process started here and not yet stopped (stopped on SIGINT/SIGTERM by run.mjs). */
export const running = new Set();

/** Kills whatever is still running, at once. */
export function killAll() {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Starts one server pinned to `cpu`; resolves once it answers HTTP. */
export async function startServer(kind, opts) {
  const port = await freePort();
  const { args, env } = command(kind, port, opts);
  const child = spawn('taskset', ['-c', String(opts.serverCpu ?? 0), ...args], {
    cwd: REPO,
    // BENCH_CPU_PROFILE / BENCH_HEAP_SNAPSHOT (see gc-hook.cjs) pass through from the environment.
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const memoryWaiters = [];
  const onLine = (line) => {
    if (line.startsWith('BENCH_MEMORY ')) {
      const usage = JSON.parse(line.slice(13));
      memoryWaiters.splice(0).forEach((resolve) => resolve(usage));
      return;
    }
    log.push(line);
    if (log.length > 50) log.shift();
  };
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop();
      lines.forEach(onLine);
    });
  }
  let exited = false;
  running.add(child);
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const server = {
    kind,
    label: SERVER_KINDS[kind].label,
    proto: SERVER_KINDS[kind].proto,
    port,
    pid: child.pid,
    log,
    get exited() {
      return exited;
    },
    /** Full GC in the server, then its process.memoryUsage(). */
    gcAndMemory(ms = 5000) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(undefined), ms);
        memoryWaiters.push((usage) => {
          clearTimeout(timer);
          resolve(usage);
        });
        child.kill('SIGWINCH');
      });
    },
    stop() {
      if (exited) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
  const readyPath = kind === 'sio' ? '/health' : '/api/topics';
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${kind} server exited during startup:\n${log.join('\n')}`);
    try {
      const conn = new HttpConnection(port);
      await conn.connect();
      const res = await conn.get(readyPath);
      conn.close();
      if (res.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${kind} server did not come up on port ${port}:\n${log.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return server;
}

/** Whether `redis-server` is on the PATH (the multi-instance scenario needs it). */
export function hasRedis() {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A throwaway redis-server (no persistence) pinned to `cpu`, for HERALD_BUS=redis. */
export async function startRedis({ cpu = 1 } = {}) {
  const port = await freePort();
  const child = spawn('taskset', ['-c', String(cpu), 'redis-server', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exited = false;
  running.add(child);
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error('redis-server exited during startup');
    const up = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error('redis-server did not come up');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      exited
        ? Promise.resolve()
        : new Promise((resolve) => {
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
  };
}
