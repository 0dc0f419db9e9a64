// `npm start`: builds the API, then runs it on the embedded in-memory bus with the demo feed on
// (override any setting through the environment, e.g. PORT=8080 HERALD_DEMO=off npm start).
import { spawn, spawnSync } from 'node:child_process';

const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'api', 'dashboard', '--outputStyle=static'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(process.execPath, ['dist/apps/api/main.js'], {
  stdio: 'inherit',
  env: { HERALD_DEMO: 'on', HERALD_BUS: 'memory', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
