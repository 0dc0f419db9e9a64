// Process metrics from /proc (Linux only): CPU seconds and resident memory of a server process.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* keep the usual 100 */
}

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Resident set size and its peak, in bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** This (generator) process's CPU seconds. */
export function selfCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Busy (non-idle) seconds of each CPU so far, from /proc/stat. */
export function cpuBusySeconds() {
  const out = [];
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2].trim().split(/\s+/).map(Number);
    out[Number(m[1])] = (user + nice + system + irq + softirq + steal) / clockTicks;
    void idle;
    void iowait;
  }
  return out;
}

/** Samples a server's and the generator's CPU over a window. */
export class CpuWindow {
  /** `pid`: one server, or several whose CPU is summed. */
  constructor(pid) {
    this.pids = Array.isArray(pid) ? pid : [pid];
    this.t0 = performance.now();
    this.server0 = this.serverSeconds();
    this.self0 = selfCpuSeconds();
    this.busy0 = cpuBusySeconds();
  }

  serverSeconds() {
    return this.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }

  end() {
    const wall = (performance.now() - this.t0) / 1000;
    const server = this.serverSeconds() - this.server0;
    const self = selfCpuSeconds() - this.self0;
    const busy = cpuBusySeconds();
    // CPU 0 time not spent by the server (and CPU 1 not by the generator): other processes on the
    // machine competing with the measurement. Kernel softirq work for our own sockets counts too.
    const otherOnServerCpu = this.pids.length > 1 ? 0 : Math.max(0, (busy[0] ?? 0) - (this.busy0[0] ?? 0) - server);
    const otherOnGenCpu = this.pids.length > 1 ? 0 : Math.max(0, (busy[1] ?? 0) - (this.busy0[1] ?? 0) - self);
    return {
      wall,
      serverCpu: server,
      serverCpuPct: (100 * server) / wall,
      genCpu: self,
      genCpuPct: (100 * self) / wall,
      noisePct: (100 * (otherOnServerCpu + otherOnGenCpu)) / (2 * wall),
    };
  }
}
