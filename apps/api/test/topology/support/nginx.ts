import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE } from './build';
import { accepts, baseEnv, freePort, HOST, ManagedProcess, waitFor } from './processes';
import { assertInstalled } from './redis';

export const DEPLOY_DIR = join(WORKSPACE, 'deploy');
/** Debian installs nginx in /usr/sbin, which is not on an ordinary user's PATH. */
export function nginxBinary(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v nginx'], { stdio: 'ignore' }).status === 0;
  return onPath || !existsSync('/usr/sbin/nginx') ? 'nginx' : '/usr/sbin/nginx';
}

/** Fills in deploy/nginx/local.conf.template: the same proxy settings as production, on loopback, unprivileged. */
export function renderLocalNginxConfig(options: { dir: string; port: number; upstreams: number[]; failTimeoutS?: number }): string {
  const template = readFileSync(join(DEPLOY_DIR, 'nginx/local.conf.template'), 'utf8');
  const servers = options.upstreams
    .map((port) => `        server ${HOST}:${port} max_fails=1 fail_timeout=${options.failTimeoutS ?? 2}s;`)
    .join('\n');
  const values: Record<string, string> = {
    // As root, nginx would hand its workers to `nobody`, who cannot write the temp folders.
    user: typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root;' : '',
    dir: options.dir,
    deploy: DEPLOY_DIR,
    access_log: 'off',
    servers,
    listen: `${HOST}:${options.port}`,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`local.conf.template: unknown placeholder {{${name}}}`);
    return values[name];
  });
}

/** Real nginx (the Debian package) in front of the API instances. */
export class NginxProxy {
  private constructor(
    readonly port: number,
    private readonly process: ManagedProcess,
    readonly configPath: string,
  ) {}

  static async start(dir: string, upstreams: number[]): Promise<NginxProxy> {
    const bin = nginxBinary();
    assertInstalled(bin, 'nginx');
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const configPath = join(dir, 'nginx.conf');
    writeFileSync(configPath, renderLocalNginxConfig({ dir, port, upstreams }));
    const check = spawnSync(bin, ['-t', '-q', '-p', dir, '-c', configPath, '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx -t rejected ${configPath}:\n${check.stderr}`);
    const process = new ManagedProcess('nginx', bin, ['-p', dir, '-c', configPath, '-e', join(dir, 'error.log')], baseEnv());
    await waitFor(async () => !process.isRunning || (await accepts(port)), `nginx on port ${port}`, 5_000);
    if (!process.isRunning) throw new Error(`nginx exited at start:\n${process.logs()}\n${readFileSync(join(dir, 'error.log'), 'utf8')}`);
    return new NginxProxy(port, process, configPath);
  }

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  /** Fast shutdown (SIGTERM): a graceful one would wait for every open WebSocket. */
  async stop(): Promise<void> {
    await this.process.stop('SIGTERM', 3_000);
  }
}
