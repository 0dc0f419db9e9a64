import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const DASHBOARD_DIR = join(WORKSPACE_ROOT, 'dist', 'apps', 'dashboard', 'browser');
export const API_MAIN = join(WORKSPACE_ROOT, 'dist', 'apps', 'api', 'main.js');

/** The built dashboard and API; this suite builds nothing itself. */
export function requireBuilds(): void {
  const missing = [join(DASHBOARD_DIR, 'index.html'), API_MAIN].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`The dashboard browser tests need the built apps, missing: ${missing.join(', ')}.\nBuild them first:\n\n  npx nx run-many -t build -p api dashboard\n`);
  }
}

/** Debian's chromium (never a downloaded browser): the output of `which chromium`. */
export function requireChromium(): string {
  const which = spawnSync('which', ['chromium'], { encoding: 'utf8' });
  const path = which.status === 0 ? which.stdout.trim() : '';
  if (!path) {
    throw new Error('The dashboard browser tests drive Debian\'s chromium, which is not installed. Install it with:\n\n  apt-get install -y chromium\n');
  }
  return path;
}
