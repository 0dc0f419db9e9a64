import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/app/config';
import { WORKSPACE } from './support/build';
import { DEPLOY_DIR, nginxBinary, renderLocalNginxConfig } from './support/nginx';

const serverConf = readFileSync(join(DEPLOY_DIR, 'nginx/herald-server.conf'), 'utf8');
const httpConf = readFileSync(join(DEPLOY_DIR, 'nginx/herald-http.conf'), 'utf8');

/** The directives of one `location = <path> { ... }` block. */
function location(path: string): string {
  const match = new RegExp(`location = ${path.replace(/[/.]/g, '\\$&')} \\{([^}]*)\\}`).exec(serverConf);
  if (!match) throw new Error(`no "location = ${path}" in herald-server.conf`);
  return match[1];
}

function seconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value);
  if (!match) throw new Error(`not an nginx time: ${value}`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

function nginxTest(config: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-nginx-t-'));
  try {
    const path = join(dir, 'nginx.conf');
    writeFileSync(path, config);
    const result = spawnSync(nginxBinary(), ['-t', '-p', dir, '-c', path, '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    return { status: result.status, output: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy/nginx: the proxy settings Herald relies on', () => {
  const defaults = loadConfig({});

  it('upgrades WebSockets and keeps upstream keep-alive for everything else', () => {
    expect(httpConf).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;\s*'' +'';\s*\}/);
    expect(serverConf).toMatch(/^proxy_http_version 1\.1;/m);
    expect(serverConf).toMatch(/^proxy_set_header Upgrade \$http_upgrade;/m);
    expect(serverConf).toMatch(/^proxy_set_header Connection \$connection_upgrade;/m);
    expect(location('/ws')).toContain('proxy_pass http://herald_api;');
  });

  it('streams SSE unbuffered and waits longer than any long poll, heartbeat or ping', () => {
    expect(location('/api/sse')).toMatch(/proxy_buffering off;/);
    const readTimeout = seconds(/^proxy_read_timeout (\S+);/m.exec(serverConf)?.[1] ?? '60s') * 1000;
    expect(readTimeout).toBeGreaterThan(defaults.longPollMaxMs);
    expect(readTimeout).toBeGreaterThan(defaults.heartbeatMs * 3);
    expect(readTimeout).toBeGreaterThan(defaults.wsPingMs);
    expect(serverConf).not.toMatch(/location = \/api\/(sse|long-poll) \{[^}]*proxy_read_timeout/);
  });

  it('fails over to the other instance without ever sending a publish twice', () => {
    expect(serverConf).toMatch(/^proxy_next_upstream error timeout;/m);
    expect(serverConf).not.toMatch(/non_idempotent/);
  });

  it('is valid nginx, as the local template and as the container config', () => {
    const local = renderLocalNginxConfig({ dir: tmpdir(), port: 1, upstreams: [2, 3] });
    expect(nginxTest(local)).toMatchObject({ status: 0 });
    const container = readFileSync(join(DEPLOY_DIR, 'nginx/nginx.conf'), 'utf8')
      .replaceAll('/etc/nginx/herald/', `${DEPLOY_DIR}/nginx/`)
      .replace(/server api-(\d):3000/g, 'server 127.0.0.1:300$1')
      .replace('access_log /dev/stdout;', 'access_log off;'); // a container's stdout is a pipe; the test's may be a socket
    const checked = nginxTest(container);
    expect(checked).toMatchObject({ status: 0, output: expect.stringContaining('test is successful') });
  });

  it('runs the API image with the same health endpoints compose and the tests use', () => {
    const compose = readFileSync(join(WORKSPACE, 'deploy/compose.yaml'), 'utf8');
    const dockerfile = readFileSync(join(WORKSPACE, 'deploy/Dockerfile'), 'utf8');
    expect(compose).toContain('/health/ready');
    expect(compose).toContain('./nginx/herald-server.conf:/etc/nginx/herald/herald-server.conf:ro');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
  });
});
