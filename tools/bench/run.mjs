#!/usr/bin/env node
// Herald load benchmark: `npm run bench` (or `node tools/bench/run.mjs [--quick] [flags]`).
//
// Starts Herald (dist/apps/api/main.js), the raw baseline (raw-server.mjs) and Socket.IO
// (socketio-server.mjs) as separate processes pinned to CPU 0, drives them from this process
// pinned to CPU 1, interleaving the servers trial by trial (A/B/A/B) and reporting medians and
// Herald/baseline ratios. Writes docs/performance.md, docs/performance-chart.svg and
// tmp/bench/last-run.json. `--help` lists the flags.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as scenarios from './lib/scenarios.mjs';
import { hasRedis, killAll, REPO, startRedis, startServer } from './lib/servers.mjs';
import { buildReport } from './lib/report.mjs';

const FULL = {
  reps: 3,
  scenarios: 'fanout,saturation,capacity,polling,resume,scaling',
  transports: 'ws,sse,longPoll,poll',
  servers: 'herald,raw,sio',
  payload: 256,
  retention: 10_000,
  rampBatch: 100,
  drainMs: 1500,
  pollIntervalMs: 1000,
  fanoutSubs: 1000,
  fanoutPollSubs: 1000,
  fanoutRate: 100,
  fanoutSeconds: 2,
  fanoutReps: 3,
  satSubs: 100,
  satStart: 250,
  satStartPolling: 50,
  satMin: 5,
  satMax: 64_000,
  satMaxSteps: 11,
  satSeconds: 1.2,
  satRefine: 3,
  satProbeFactor: 1.25,
  satP99Ms: 100,
  satPollIntervalMs: 50,
  satReps: 2,
  capacityConns: 10_000,
  capacityBatch: 500,
  capacityReps: 2,
  pollConns: 32,
  pollSeconds: 3,
  pollReps: 3,
  resumeClients: 1000,
  resumeBack: 1000,
  resumeTimeoutMs: 30_000,
  resumeReps: 2,
  scalingSubs: 100,
  heraldEnv: '',
  heraldMain: '',
  build: true,
  docs: true,
  quick: false,
};

const QUICK = {
  scenarios: 'fanout,saturation,capacity,polling,resume',
  fanoutSubs: 200,
  fanoutPollSubs: 200,
  fanoutSeconds: 0.8,
  fanoutReps: 2,
  satSeconds: 0.6,
  satRefine: 0,
  satMaxSteps: 5,
  satReps: 1,
  capacityConns: 1000,
  capacityReps: 1,
  pollSeconds: 1,
  pollReps: 1,
  resumeClients: 200,
  resumeReps: 1,
};

const HELP = `Usage: node tools/bench/run.mjs [--quick] [--flag value ...]

  --quick                 smaller sizes, fewer repetitions (about 2 minutes; a smoke test)
  --reps N                repetitions of every scenario (overrides the per-scenario counts)
  --scenarios LIST        ${FULL.scenarios}
  --transports LIST       ${FULL.transports}
  --servers LIST          ${FULL.servers}
  --no-build              do not run "npx nx build api" first
  --no-docs               do not rewrite docs/performance.md and docs/performance-chart.svg
  --report-only           measure nothing: rebuild the docs and the table from tmp/bench/last-run.json
Sizes (full defaults; --quick lowers some):
${Object.entries(FULL)
  .filter(([k]) => !['scenarios', 'transports', 'servers', 'build', 'docs', 'quick', 'reps'].includes(k))
  .map(([k, v]) => `  --${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} ${v}`)
  .join('\n')}
`;

function parseArgs(argv) {
  const opts = { ...FULL };
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(HELP);
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (name === 'quick') given.quick = true;
    else if (name === 'reportOnly') given.reportOnly = true;
    else if (name === 'noBuild') given.build = false;
    else if (name === 'noDocs') given.docs = false;
    else if (name in FULL) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      given[name] = typeof FULL[name] === 'number' ? Number(value) : value;
      if (typeof FULL[name] === 'number' && !Number.isFinite(given[name])) throw new Error(`${arg} must be a number`);
    } else throw new Error(`unknown flag ${arg} (see --help)`);
  }
  Object.assign(opts, given.quick ? QUICK : {}, given);
  if (given.reps) for (const k of ['fanoutReps', 'satReps', 'capacityReps', 'pollReps', 'resumeReps']) if (!(k in given)) opts[k] = given.reps;
  opts.scenarioList = opts.scenarios.split(',');
  opts.transportList = opts.transports.split(',');
  opts.serverList = opts.servers.split(',');
  return opts;
}

const self = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const opts = parseArgs(argv);

// 1. Parent: build, then re-run this script pinned to CPU 1 with the highest fd limit allowed.
function reportOnly() {
  const results = JSON.parse(readFileSync(join(REPO, 'tmp', 'bench', 'last-run.json'), 'utf8'));
  const report = buildReport(results);
  console.log(report.table);
  writeFileSync(join(REPO, 'docs', 'performance.md'), report.markdown);
  writeFileSync(join(REPO, 'docs', 'performance-chart.svg'), report.svg);
  console.log('rewrote docs/performance.md and docs/performance-chart.svg from tmp/bench/last-run.json');
}

function launch() {
  if (opts.reportOnly) return reportOnly();
  if (process.env.HERALD_BENCH_PINNED) {
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, () => {
        killAll();
        process.exit(130);
      });
    }
    return main().catch((error) => {
      killAll();
      throw error;
    });
  }
  if (opts.build) {
    console.log('Building the API (npx nx build api) ...');
    const build = spawnSync('npx', ['nx', 'build', 'api', '--outputStyle=static'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec taskset -c 1 "$0" "$@"';
  const nproc = execFileSync('nproc', [], { encoding: 'utf8' }).trim();
  const child = spawn('sh', ['-c', script, process.execPath, self, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, HERALD_BENCH_PINNED: '1', HERALD_BENCH_NPROC: nproc },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function machine() {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: process.env.HERALD_BENCH_NPROC ?? sh('nproc', []),
    cpu: os.cpus()[0]?.model ?? '?',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release(),
    fdLimit: sh('sh', ['-c', 'ulimit -n']),
    command: `node tools/bench/run.mjs${argv.length ? ' ' + argv.join(' ') : ''}`,
  };
}

function log(...args) {
  console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);
}

const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** The servers of `kinds` that can serve `transport`. */
function serversFor(transport, kinds) {
  return kinds.filter((k) => k !== 'sio' || transport === 'ws');
}

async function withServers(kinds, fn) {
  const running = {};
  try {
    for (const kind of kinds) running[kind] = await startServer(kind, opts);
    return await fn(running);
  } finally {
    await Promise.all(Object.values(running).map((s) => s.stop()));
  }
}

/** Interleaves servers per repetition, alternating their order (A B, B A, A B ...). */
function order(kinds, rep) {
  return rep % 2 === 0 ? kinds : [...kinds].reverse();
}

async function main() {
  const info = machine();
  log(`Herald bench on ${info.nproc} CPUs (${info.cpu}), Node ${info.node}, fd limit ${info.fdLimit}; servers on CPU 0, generator on CPU 1`);
  const fdLimit = Number(info.fdLimit);
  if (Number.isFinite(fdLimit) && fdLimit < opts.capacityConns + 1000 && opts.scenarioList.includes('capacity')) {
    log(`fd limit ${fdLimit} is below ${opts.capacityConns} connections + slack: capacity trials may fail to open them all`);
  }
  const started = performance.now();
  const results = { machine: info, options: opts, fanout: {}, saturation: {}, capacity: {}, polling: {}, resume: {} };
  const kinds = opts.serverList;
  const add = (bucket, transport, kind, value) => {
    bucket[transport] ??= {};
    (bucket[transport][kind] ??= []).push(value);
  };

  if (opts.scenarioList.includes('fanout')) {
    log(`fan-out: ${opts.fanoutSubs} subscribers (polling: ${opts.fanoutPollSubs}) x ${opts.fanoutRate} events/s x ${opts.payload} B for ${opts.fanoutSeconds} s, ${opts.fanoutReps} reps`);
    await withServers(kinds, async (running) => {
      for (let rep = 0; rep < opts.fanoutReps; rep++) {
        for (const transport of opts.transportList) {
          for (const kind of order(serversFor(transport, kinds), rep)) {
            const r = await scenarios.fanout(running[kind], transport, opts);
            add(results.fanout, transport, kind, r);
            log(
              `  fan-out ${transport.padEnd(8)} ${running[kind].label.padEnd(9)} subs ${r.subscribers} p50 ${fmt(r.p50)} ms p99 ${fmt(r.p99)} ms ` +
                `${fmt(r.deliveriesPerSec, 0)} del/s srv ${fmt(r.serverCpuPct, 0)}% gen ${fmt(r.genCpuPct, 0)}% lost ${r.lost} dup ${r.dup} ooo ${r.ooo} noise ${fmt(r.noisePct, 0)}%${r.bound ? ' [' + r.bound + '-bound]' : ''}`,
            );
          }
        }
      }
    });
  }

  if (opts.scenarioList.includes('saturation')) {
    log(`saturation: ${opts.satSubs} subscribers, rising rate, pass = complete and p99 < ${opts.satP99Ms} ms, ${opts.satSeconds} s steps, ${opts.satReps} reps`);
    await withServers(kinds, async (running) => {
      for (let rep = 0; rep < opts.satReps; rep++) {
        for (const transport of opts.transportList) {
          for (const kind of order(serversFor(transport, kinds), rep)) {
            const previous = results.saturation[transport]?.[kind]?.map((r) => r.rate).filter((r) => Number.isFinite(r) && r > 0) ?? [];
            const seed = previous.length ? previous.sort((a, b) => a - b)[previous.length >> 1] : undefined;
            const r = await scenarios.saturation(running[kind], transport, opts, seed);
            add(results.saturation, transport, kind, r);
            log(
              `  saturation ${transport.padEnd(8)} ${running[kind].label.padEnd(9)} ${r.exhausted ? 'no passing rate within the step budget:' : ''} ${r.rate} events/s = ${fmt(r.deliveriesPerSec, 0)} del/s (p99 ${fmt(r.p99)} ms, srv ${fmt(r.serverCpuPct, 0)}%, gen ${fmt(r.genCpuPct, 0)}%)${r.bound ? ' [' + r.bound + '-bound]' : ''}\n      ${r.log.join(' ')}`,
            );
          }
        }
      }
    });
  }

  if (opts.scenarioList.includes('capacity')) {
    log(`capacity: ${opts.capacityConns} idle connections per trial (fresh server each), ${opts.capacityReps} reps`);
    for (let rep = 0; rep < opts.capacityReps; rep++) {
      for (const transport of opts.transportList.filter((t) => t === 'ws' || t === 'sse')) {
        for (const kind of order(serversFor(transport, kinds), rep)) {
          const r = await withServers([kind], (running) => scenarios.capacity(running[kind], transport, opts));
          add(results.capacity, transport, kind, r);
          log(
            `  capacity ${transport.padEnd(4)} ${kind.padEnd(7)} ${r.connections} conns (${r.openErrors} failed, ${fmt(r.openPerSec, 0)}/s): ` +
              `RSS ${fmt(r.rssPerConn / 1024, 2)} KiB/conn, heap ${fmt(r.heapPerConn / 1024, 2)} KiB/conn`,
          );
        }
      }
    }
  }

  if (opts.scenarioList.includes('polling')) {
    const pollKinds = kinds.filter((k) => k !== 'sio');
    log(`polling cost: ${opts.pollConns} connections polling an idle topic for ${opts.pollSeconds} s, ${opts.pollReps} reps`);
    await withServers(pollKinds, async (running) => {
      for (let rep = 0; rep < opts.pollReps; rep++) {
        for (const ifNoneMatch of [false, true]) {
          const variant = ifNoneMatch ? 'ifNoneMatch' : 'plain';
          for (const kind of order(pollKinds, rep)) {
            const r = await scenarios.pollingCost(running[kind], opts, { ifNoneMatch });
            add(results.polling, variant, kind, r);
            log(
              `  polling ${variant.padEnd(11)} ${running[kind].label.padEnd(9)} ${fmt(r.requestsPerSec, 0)} req/s, ${fmt(r.serverUsPerRequest, 1)} us server CPU/req, ` +
                `p99 ${fmt(r.p99, 2)} ms, bad ${r.bad}, srv ${fmt(r.serverCpuPct, 0)}% gen ${fmt(r.genCpuPct, 0)}%${r.bound ? ' [' + r.bound + '-bound]' : ''}`,
            );
          }
        }
      }
    });
  }

  if (opts.scenarioList.includes('resume')) {
    const resumeKinds = kinds.filter((k) => k !== 'sio');
    log(`resume: ${opts.resumeClients} clients reconnect at once with cursors ${opts.resumeBack} events back, ${opts.resumeReps} reps`);
    await withServers(resumeKinds, async (running) => {
      for (let rep = 0; rep < opts.resumeReps; rep++) {
        for (const transport of opts.transportList) {
          for (const kind of order(resumeKinds, rep)) {
            const r = await scenarios.resume(running[kind], transport, opts);
            add(results.resume, transport, kind, r);
            log(
              `  resume ${transport.padEnd(8)} ${running[kind].label.padEnd(9)} all caught up in ${fmt(r.seconds, 2)} s (client p50 ${fmt(r.catchUpP50, 0)} ms, p99 ${fmt(r.catchUpP99, 0)} ms) ` +
                `lost ${r.lost} dup ${r.dup} ooo ${r.ooo} before-cursor ${r.foreign} failed ${r.openErrors} srv ${fmt(r.serverCpuPct, 0)}% gen ${fmt(r.genCpuPct, 0)}%${r.bound ? ' [' + r.bound + '-bound]' : ''}`,
            );
          }
        }
      }
    });
  }

  if (opts.scenarioList.includes('scaling')) {
    results.scaling = { configs: [] };
    if (!hasRedis()) {
      results.scaling.pending = 'redis-server is not installed';
      log('scaling: skipped (redis-server is not installed)');
    } else {
      log(`scaling: WebSocket saturation, ${opts.scalingSubs} subscribers spread over 1 or 2 Herald processes on the Redis bus (publisher on the first)`);
      const configs = [
        { name: '1 process, memory bus', instances: 1, bus: 'memory' },
        { name: '1 process, Redis bus', instances: 1, bus: 'redis' },
        { name: '2 processes, Redis bus', instances: 2, bus: 'redis' },
      ];
      let seed;
      for (const config of configs) {
        const redis = config.bus === 'redis' ? await startRedis({ cpu: 1 }) : undefined;
        const servers = [];
        try {
          for (let i = 0; i < config.instances; i++) {
            const busEnv = redis ? `HERALD_BUS=redis,REDIS_URL=${redis.url},HERALD_INSTANCE=bench-${i}` : 'HERALD_BUS=memory';
            servers.push(await startServer('herald', { ...opts, serverCpu: i, heraldEnv: [opts.heraldEnv, busEnv].filter(Boolean).join(',') }));
          }
          const r = await scenarios.saturation(servers, 'ws', { ...opts, satSubs: opts.scalingSubs }, seed, { topicSuffix: `.${config.instances}.${config.bus}` });
          seed = undefined;
          results.scaling.configs.push({ ...config, ...r });
          log(`  scaling ${config.name.padEnd(24)} ${r.rate} events/s = ${fmt(r.deliveriesPerSec, 0)} del/s (p99 ${fmt(r.p99)} ms, ${fmt(r.serverUsPerDelivery, 2)} µs server CPU per delivery)\n      ${r.log.join(' ')}`);
        } finally {
          await Promise.all(servers.map((s) => s.stop()));
          await redis?.stop();
        }
      }
    }
  }

  results.seconds = (performance.now() - started) / 1000;
  const report = buildReport(results);
  console.log('\n' + report.table);
  mkdirSync(join(REPO, 'tmp', 'bench'), { recursive: true });
  writeFileSync(join(REPO, 'tmp', 'bench', 'last-run.json'), JSON.stringify(results, null, 1));
  if (opts.docs) {
    writeFileSync(join(REPO, 'docs', 'performance.md'), report.markdown);
    writeFileSync(join(REPO, 'docs', 'performance-chart.svg'), report.svg);
    log('wrote docs/performance.md and docs/performance-chart.svg');
  }
  log(`done in ${fmt(results.seconds, 0)} s`);
}

await launch();
