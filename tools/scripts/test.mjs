// `npm test`: system packages, type check, lint, then every Jest project in one run.
// Prints a closing line "N passed, N failed" and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { ensureSystemPackages } from './system-packages.mjs';

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

ensureSystemPackages();

const steps = [];
// The browser and topology tests run the built API and dashboard.
steps.push(['build', run('build', 'npx', ['nx', 'run-many', '-t', 'build', '-p', 'api', 'dashboard', '--outputStyle=static'], { NX_DAEMON: 'false' })]);
steps.push(['type check', run('type check', 'npx', ['tsc', '-p', 'tsconfig.check.json'])]);
steps.push(['type check (dashboard)', run('type check (dashboard)', 'npx', ['tsc', '-p', 'apps/dashboard/tsconfig.check.json'])]);
steps.push(['lint', run('lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--outputStyle=static'], { NX_DAEMON: 'false' })]);

mkdirSync('tmp', { recursive: true });
// --forceExit: every suite closes what it opens (the leak test checks), but a client library's
// keep-alive socket or retry timer outliving its test must not hold CI hostage once results are in.
const jestOk = run('tests', 'npx', ['jest', '--ci', '--forceExit', '--json', '--outputFile=tmp/jest-results.json', ...process.argv.slice(2)]);
steps.push(['tests', jestOk]);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync('tmp/jest-results.json', 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
} catch {
  failed = 1;
}
const bad = steps.filter(([, ok]) => !ok).map(([name]) => name);
console.log(`\n${bad.length ? `failed steps: ${bad.join(', ')}` : 'type check, lint and tests all green'}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(bad.length === 0 && failed === 0 && passed > 0 ? 0 : 1);
