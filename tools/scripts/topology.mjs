// `npm run topology`: the reference deployment on this machine, from Debian packages —
// redis-server, two Herald API instances on the Redis bus, nginx in front (deploy/nginx) —
// all on loopback. Open the printed nginx URL; type `help` for commands (stop/kill/start an
// instance, restart Redis) to watch failover. Ctrl-C stops everything.
//
// Also a module: `startLocalTopology()` is what tools/bench/cross-instance.mjs runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const API_MAIN = join(WORKSPACE, 'dist/apps/api/main.js');
const HOST = '127.0.0.1';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function portIsFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, HOST, () => server.close(() => resolveFree(true)));
  });
}

function tcpAnswer(port, send) {
  return new Promise((resolveAnswer) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const done = (value) => {
      clearTimeout(timer);
      socket.destroy();
      resolveAnswer(value);
    };
    const timer = setTimeout(() => done(null), 500);
    socket.once('connect', () => (send ? socket.write(send) : done('')));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply);
    });
    socket.once('error', () => done(null));
  });
}

async function waitFor(check, what, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** The binary's path: on PATH, or in /usr/sbin (Debian's nginx, not on an ordinary user's PATH). */
function requireBinary(bin, pkg) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0) return bin;
  if (existsSync(`/usr/sbin/${bin}`)) return `/usr/sbin/${bin}`;
  throw new Error(`${bin} is not installed. Install it with: sudo apt-get install -y --no-install-recommends ${pkg}`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds what is missing: the API bundle when it is absent or older than its
 * sources, the dashboard (optional: `withDashboard`) when it was never built.
 */
export function ensureBuilt({ withDashboard = false } = {}) {
  const projects = [];
  const sources = ['apps/api/src', 'libs/api', 'libs/shared/contracts/src'].map((dir) => newestMtime(join(WORKSPACE, dir)));
  if (!existsSync(API_MAIN) || statSync(API_MAIN).mtimeMs < Math.max(...sources)) projects.push('api');
  if (withDashboard && !existsSync(join(WORKSPACE, 'dist/apps/dashboard/browser/index.html'))) projects.push('dashboard');
  if (projects.length === 0) return;
  console.log(`building ${projects.join(' and ')}…`);
  const result = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...projects, '--skip-nx-cache', '--outputStyle=static'], {
    cwd: WORKSPACE,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`build failed: npx nx run-many -t build -p ${projects.join(' ')}`);
}

/** A child process with its output prefixed, stoppable within a bound. */
class Proc {
  constructor(name, command, args, { env, log }) {
    this.name = name;
    this.child = spawn(command, args, { cwd: WORKSPACE, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.running = true;
    this.tail = '';
    const onData = (chunk) => {
      const text = chunk.toString('utf8');
      this.tail = (this.tail + text).slice(-16_000);
      if (log) for (const line of text.split('\n')) if (line.trim()) log(`[${name}] ${line}`);
    };
    this.child.stdout.on('data', onData);
    this.child.stderr.on('data', onData);
    this.exited = new Promise((resolveExit) =>
      this.child.once('exit', (code, signal) => {
        this.running = false;
        resolveExit({ code, signal });
      }),
    );
  }

  signal(signal) {
    if (this.running) this.child.kill(signal);
  }

  async stop(signal = 'SIGTERM', graceMs = 8_000) {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const force = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(force);
    return exit;
  }
}

/** redis-server with an append-only file in `dir`: stop and start it again and the log is still there. */
class LocalRedis {
  constructor(port, dir, log) {
    Object.assign(this, { port, dir, log, url: `redis://${HOST}:${port}` });
  }

  async start() {
    if (this.proc?.running) return;
    mkdirSync(this.dir, { recursive: true });
    const args = ['--bind', HOST, '--port', String(this.port), '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--loglevel', 'warning'];
    args.push('--logfile', join(this.dir, 'redis.log'));
    this.proc = new Proc('redis', 'redis-server', args, { env: process.env, log: this.log });
    await waitFor(async () => !this.proc.running || (await tcpAnswer(this.port, 'PING\r\n'))?.startsWith('+PONG'), `redis-server on ${this.port}`, 10_000);
    if (!this.proc.running) throw new Error(`redis-server exited at start:\n${this.proc.tail}`);
  }

  stop() {
    return this.proc?.stop('SIGTERM') ?? Promise.resolve();
  }
}

/** `node dist/apps/api/main.js` on a fixed port; `start()` again after a stop brings it back on that port. */
class LocalApi {
  constructor(name, port, env, log) {
    Object.assign(this, { name, port, env, log, url: `http://${HOST}:${port}` });
  }

  async start() {
    if (this.proc?.running) return;
    const env = { ...process.env, ...this.env, PORT: String(this.port), HOST, HERALD_INSTANCE: this.name };
    const proc = new Proc(this.name, process.execPath, ['--enable-source-maps', API_MAIN], { env, log: this.log });
    this.proc = proc;
    void proc.exited.then(({ code, signal }) => this.log?.(`[${this.name}] exited (${signal ?? `code ${code}`})`));
    const ready = async () => {
      try {
        return (await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1_000) })).status === 200;
      } catch {
        return false;
      }
    };
    await waitFor(async () => !this.proc.running || (await ready()), `${this.name} ready on ${this.port}`, 20_000);
    if (!this.proc.running) throw new Error(`${this.name} exited at start:\n${this.proc.tail}`);
  }

  stop(signal = 'SIGTERM') {
    return this.proc?.stop(signal) ?? Promise.resolve();
  }
}

/** deploy/nginx/local.conf.template, filled in (the same rendering as the topology tests). */
export function renderNginxConfig({ dir, port, upstreams }) {
  const template = readFileSync(join(WORKSPACE, 'deploy/nginx/local.conf.template'), 'utf8');
  const values = {
    user: process.getuid?.() === 0 ? 'user root;' : '',
    dir,
    deploy: join(WORKSPACE, 'deploy'),
    access_log: 'off',
    servers: upstreams.map((p) => `        server ${HOST}:${p} max_fails=1 fail_timeout=2s;`).join('\n'),
    listen: `${HOST}:${port}`,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`local.conf.template: unknown placeholder {{${name}}}`);
    return values[name];
  });
}

class LocalNginx {
  constructor(bin, port, dir, upstreams, log) {
    Object.assign(this, { bin, port, dir, upstreams, log, url: `http://${HOST}:${port}` });
  }

  async start() {
    mkdirSync(this.dir, { recursive: true });
    const conf = join(this.dir, 'nginx.conf');
    writeFileSync(conf, renderNginxConfig({ dir: this.dir, port: this.port, upstreams: this.upstreams }));
    const base = ['-p', this.dir, '-c', conf, '-e', join(this.dir, 'error.log')];
    const check = spawnSync(this.bin, ['-t', '-q', ...base], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx -t rejected ${conf}:\n${check.stderr}`);
    this.proc = new Proc('nginx', this.bin, base, { env: process.env, log: this.log });
    await waitFor(async () => !this.proc.running || (await tcpAnswer(this.port)) !== null, `nginx on ${this.port}`, 5_000);
    if (!this.proc.running) throw new Error(`nginx exited at start:\n${this.proc.tail}`);
  }

  stop() {
    // Fast shutdown: a graceful one (SIGQUIT) would wait for every open WebSocket.
    return this.proc?.stop('SIGTERM', 3_000) ?? Promise.resolve();
  }
}

/**
 * Starts redis-server, `instances` API processes on the Redis bus and nginx in
 * front, all on loopback (`bus: 'memory'`: no Redis, for a single-instance
 * baseline; `nginx: false`: no proxy). `apiEnv` is added to every instance's
 * environment (`instanceEnv[i]` to one). Resolves once every part answers;
 * `stop()` stops them in reverse order and removes the temporary folder.
 */
export async function startLocalTopology({ instances = 2, bus = 'redis', nginx: withNginx = true, nginxPort, apiEnv = {}, instanceEnv = [], log } = {}) {
  if (bus === 'redis') requireBinary('redis-server', 'redis-server');
  const nginxBin = withNginx ? requireBinary('nginx', 'nginx') : undefined;
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: build it with npx nx build api`);
  const dir = mkdtempSync(join(tmpdir(), 'herald-topology-'));
  const parts = [];
  const stop = async () => {
    for (const part of [...parts].reverse()) await part.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let redis;
    if (bus === 'redis') {
      redis = new LocalRedis(await freePort(), join(dir, 'redis'), log);
      await redis.start();
      parts.push(redis);
    }
    const apis = [];
    for (let i = 0; i < instances; i++) {
      const busEnv = redis ? { HERALD_BUS: 'redis', REDIS_URL: redis.url } : { HERALD_BUS: 'memory' };
      apis.push(new LocalApi(`api-${i + 1}`, await freePort(), { ...busEnv, ...apiEnv, ...(instanceEnv[i] ?? {}) }, log));
    }
    parts.push(...apis);
    await Promise.all(apis.map((api) => api.start()));
    let nginx;
    if (withNginx) {
      const port = nginxPort ?? (await freePort());
      if (!(await portIsFree(port))) throw new Error(`port ${port} is taken: choose another with HERALD_TOPOLOGY_PORT=<port>`);
      nginx = new LocalNginx(nginxBin, port, join(dir, 'nginx'), apis.map((api) => api.port), log);
      await nginx.start();
      parts.push(nginx);
    }
    return { dir, redis, apis, nginx, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const HELP = `commands:
  status                 which parts run, and whether each instance is ready
  stop <api-N>           SIGTERM: graceful shutdown (WS 1012, SSE ends, long polls answered)
  kill <api-N>           SIGKILL: a crash; nginx fails its clients over to the other instance
  start <api-N>          start a stopped instance again (same port; the log is in Redis)
  restart redis          stop and start Redis (append-only file kept): instances go not ready, then catch up
  quit                   stop everything (or Ctrl-C)`;

async function main() {
  const nginxPort = Number(process.env.HERALD_TOPOLOGY_PORT ?? 8080);
  const quiet = process.argv.includes('--quiet');
  const noBuild = process.argv.includes('--no-build');
  const log = quiet ? undefined : (line) => console.log(line);
  if (!noBuild) ensureBuilt({ withDashboard: existsSync(join(WORKSPACE, 'apps/dashboard/project.json')) });
  const topology = await startLocalTopology({
    nginxPort,
    log,
    apiEnv: { HERALD_LOG_LEVEL: process.env.HERALD_LOG_LEVEL ?? 'warn', HERALD_SHUTDOWN_DRAIN_MS: '3000', HERALD_TRUST_PROXY: 'on' },
    // One demo publisher is enough: every instance delivers it.
    instanceEnv: [{ HERALD_DEMO: process.env.HERALD_DEMO ?? 'on' }],
  });
  const { redis, apis, nginx } = topology;
  console.log(`
Herald topology is up (data and nginx config in ${topology.dir}):
  nginx   ${nginx.url}/            dashboard, /api, /api/docs, /ws — the address to use
${apis.map((api) => `  ${api.name}   ${api.url}   (${api.url}/health/ready)`).join('\n')}
  redis   ${redis.url}
${HELP}
`);
  let stopping = false;
  const shutdown = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log('stopping the topology…');
    await topology.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void shutdown(0));

  const find = (name) => apis.find((api) => api.name === name);
  const commands = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  commands.on('line', (line) => {
    queue = queue.then(() => run(line));
  });
  const run = async (line) => {
    const [command, name] = line.trim().split(/\s+/);
    try {
      if (command === 'status') {
        for (const api of apis) {
          const ready = api.proc.running ? await fetch(`${api.url}/health/ready`).then((r) => r.status, () => 'no answer') : 'stopped';
          console.log(`  ${api.name}: ${ready === 200 ? 'ready' : ready}`);
        }
        console.log(`  redis: ${redis.proc.running ? 'running' : 'stopped'}; nginx: ${nginx.proc.running ? 'running' : 'stopped'}`);
      } else if ((command === 'stop' || command === 'kill' || command === 'start') && find(name)) {
        const api = find(name);
        if (command === 'start') await api.start();
        else await api.stop(command === 'kill' ? 'SIGKILL' : 'SIGTERM');
        console.log(`${name}: ${command === 'start' ? 'ready' : 'stopped'}`);
      } else if (command === 'restart' && name === 'redis') {
        await redis.stop();
        console.log('redis stopped; starting it again in 2 s…');
        await sleep(2_000);
        await redis.start();
        console.log('redis is back');
      } else if (command === 'quit' || command === 'exit') {
        await shutdown(0);
      } else if (command) {
        console.log(HELP);
      }
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
    }
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
