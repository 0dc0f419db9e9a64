import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WORKSPACE = resolve(__dirname, '../../../../..');
export const API_MAIN = join(WORKSPACE, 'dist/apps/api/main.js');

/** Source folders the API bundle is built from. */
const SOURCES = ['apps/api/src', 'libs/api', 'libs/shared/contracts/src'];
const BUILD_TIMEOUT_MS = 240_000;
/** Held while building, so test runs started side by side build once and never spawn a half-written bundle. */
const BUILD_LOCK = join(WORKSPACE, 'tmp/api-build.lock');

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  const newest = Math.max(...SOURCES.map((dir) => newestSourceMtime(join(WORKSPACE, dir))));
  return !existsSync(API_MAIN) || statSync(API_MAIN).mtimeMs < newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withBuildLock(build: () => void): void {
  mkdirSync(join(WORKSPACE, 'tmp'), { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS + 30_000;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // A lock older than any build can take was left by a killed run.
      if (existsSync(BUILD_LOCK) && statSync(BUILD_LOCK).mtimeMs < Date.now() - BUILD_TIMEOUT_MS - 30_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another test run has held ${BUILD_LOCK} for too long`);
      sleepSync(250);
    }
  }
  try {
    build();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * The topology runs the built API (`dist/apps/api/main.js`) as real processes.
 * Builds it (`nx build api`) when it is missing or older than its sources.
 */
export function ensureApiBuilt(): void {
  if (!isStale()) return;
  withBuildLock(() => {
    if (!isStale()) return; // built by a run that held the lock before us
    // Niced: other suites run beside this one, some with tight timers.
    const result = spawnSync('nice', ['-n', '10', 'npx', 'nx', 'build', 'api', '--skip-nx-cache', '--outputStyle=static'], {
      cwd: WORKSPACE,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
    });
    if (result.status !== 0 || !existsSync(API_MAIN)) {
      throw new Error(`could not build the API for the topology tests (npx nx build api):\n${(result.stdout ?? '') + (result.stderr ?? '')}`.slice(-8_000));
    }
    // Nx may leave an identical bundle as it was: mark it as up to date with its sources.
    const now = new Date();
    utimesSync(API_MAIN, now, now);
  });
}
