// Preloaded (node -r) into every server the bench starts, Herald and baselines alike: on SIGWINCH (a
// signal nobody else listens to; Nest's shutdown hooks take SIGUSR2) it
// runs a full GC (the server runs with --expose-gc) and prints its memory usage, so idle-connection
// memory is measured on live objects rather than on whatever garbage happens to be uncollected.
// With BENCH_CPU_PROFILE=<file>, it also profiles the server from start-up and writes the
// .cpuprofile (Chrome DevTools format) on that signal instead.
'use strict';
const profileFile = process.env.BENCH_CPU_PROFILE;
let session;
let snapshots;
if (profileFile) {
  const inspector = require('node:inspector');
  session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
}
process.on('SIGWINCH', () => {
  if (session) {
    session.post('Profiler.stop', (error, result) => {
      if (!error) require('node:fs').writeFileSync(profileFile, JSON.stringify(result.profile));
      process.stdout.write('BENCH_MEMORY {"profile":true}\n');
    });
    return;
  }
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
  // BENCH_HEAP_SNAPSHOT=<prefix>: also write <prefix>-<n>.heapsnapshot (for tools/bench analysis by hand).
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    snapshots = (snapshots ?? 0) + 1;
    require('node:v8').writeHeapSnapshot(`${process.env.BENCH_HEAP_SNAPSHOT}-${snapshots}.heapsnapshot`);
  }
  process.stdout.write('BENCH_MEMORY ' + JSON.stringify(process.memoryUsage()) + '\n');
});

// A server the bench started never outlives it: once the generator is gone (this process is
// re-parented), it exits.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
