import { connect, Socket } from 'node:net';
import { ConnectionLimiter, SubscriberRegistry } from '@herald/transports';
import { eventually, HeraldServer, startHerald } from './support/herald-server';

/** Opens a raw connection and writes `requests` back to back (HTTP/1.1 pipelining). */
async function pipeline(url: string, requests: string[]): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(requests.map((path) => `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`).join(''));
  return socket;
}

describe('pipelined requests whose client goes away', () => {
  let server: HeraldServer;
  beforeEach(async () => {
    server = await startHerald();
  });
  afterEach(async () => {
    await server.close();
  });

  // A request queued behind another on its connection gets no response 'close' when the client
  // hangs up (Node only closes the request): everything it holds must still be released.
  it.each([
    ['SSE streams', ['/api/sse?topics=p', '/api/sse?topics=p', '/api/sse?topics=p']],
    ['long polls', ['/api/long-poll?topics=p&timeout=60000', '/api/long-poll?topics=p&timeout=60000']],
  ])('%s: connection slots, bus subscriptions and registry entries all come back', async (_name, paths) => {
    const limiter = server.app.get(ConnectionLimiter);
    const registry = server.app.get(SubscriberRegistry);
    const socket = await pipeline(server.url, paths);
    await eventually(() => limiter.open === paths.length, `${paths.length} connection slots held`);
    socket.destroy();
    await eventually(() => limiter.open === 0, 'every connection slot released');
    await eventually(() => server.bus.liveSubscriptionCount() === 0, 'every bus subscription released');
    expect(registry.total('sse') + registry.total('longPoll')).toBe(0);
  });
});
