// The Debian packages the test suite needs, and a check that installs them (as root) or names the command.
import { execFileSync, spawnSync } from 'node:child_process';

/** Binaries the suite starts for real, and the Debian package that provides each. */
export const SYSTEM_PACKAGES = [
  { bin: 'redis-server', pkg: 'redis-server', for: 'the RedisEventBus conformance and multi-instance tests' },
  { bin: 'chromium', pkg: 'chromium', for: 'the dashboard browser tests' },
  { bin: 'nginx', pkg: 'nginx', for: 'the multi-instance topology tests (nginx in front of two API instances)' },
];

function has(bin) {
  // Debian puts nginx in /usr/sbin, which is not on an ordinary user's PATH.
  return spawnSync('sh', ['-c', `command -v ${bin} || test -x /usr/sbin/${bin}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Ensures every package is there. As root with apt-get, installs what is missing;
 * otherwise stops at once naming the exact command — never a silent skip.
 */
export function ensureSystemPackages(packages = SYSTEM_PACKAGES) {
  const missing = packages.filter((p) => !has(p.bin));
  if (missing.length === 0) return;
  const names = [...new Set(missing.map((p) => p.pkg))];
  const command = `apt-get update && apt-get install -y --no-install-recommends ${names.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    console.error(`The test suite needs ${missing.map((p) => `${p.bin} (${p.for})`).join(', ')}.`);
    console.error(`Install them first:\n\n  sudo sh -c '${command}'\n`);
    process.exit(1);
  }
  console.log(`Installing ${names.join(', ')} with apt-get (needed by the test suite)…`);
  execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const still = packages.filter((p) => !has(p.bin));
  if (still.length > 0) {
    console.error(`apt-get ran but ${still.map((p) => p.bin).join(', ')} is still missing.`);
    process.exit(1);
  }
}
