import net from 'node:net';
import type { AddressInfo } from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

const WS_UPGRADE = /^upgrade:\s*websocket/im;

/**
 * A loopback TCP proxy in front of a Herald server, to make outages the
 * client cannot tell from real ones:
 *
 * - `cut()` destroys every connection and refuses new ones until `restore()`;
 * - `freeze()` silently stops forwarding on the current connections (a dead
 *   link: no FIN, no RST), while new connections work;
 * - `refuseUpgrades` answers WebSocket upgrade requests with 403, like a proxy
 *   that does not support WebSocket.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private refusing = false;

  private constructor(
    private readonly server: net.Server,
    private readonly targetPort: number,
    private readonly refuseUpgrades: boolean,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(targetPort: number, options: { refuseUpgrades?: boolean } = {}): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server, targetPort, options.refuseUpgrades ?? false);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connectionCount(): number {
    return this.pairs.size;
  }

  cut(): void {
    this.refusing = true;
    for (const pair of this.pairs) this.drop(pair);
  }

  restore(): void {
    this.refusing = false;
  }

  freeze(): void {
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.on('data', () => undefined);
      upstream.on('data', () => undefined);
    }
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    client.on('error', () => undefined);
    if (this.refusing) {
      client.destroy();
      return;
    }
    if (!this.refuseUpgrades) {
      this.connect(client);
      return;
    }
    client.once('data', (first: Buffer) => {
      if (WS_UPGRADE.test(first.toString('latin1'))) {
        client.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.connect(client, first);
    });
  }

  private connect(client: net.Socket, first?: Buffer): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const pair = { client, upstream };
    this.pairs.add(pair);
    upstream.on('error', () => undefined);
    if (first) upstream.write(first);
    client.pipe(upstream);
    upstream.pipe(client);
    const done = (): void => this.drop(pair);
    client.on('close', done);
    upstream.on('close', done);
  }

  private drop(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
