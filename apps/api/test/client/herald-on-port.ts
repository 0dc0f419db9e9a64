import type { AddressInfo } from 'node:net';
import { EventBus } from '@herald/event-bus';
import { loadConfig } from '../../src/app/config';
import { createHeraldApp } from '../../src/app/create-app';
import type { HeraldServer } from '../support/herald-server';

/**
 * Like `startHerald`, but on a given port (0 = ephemeral), so a test can stop
 * a server and start a fresh one — a new in-memory log and epoch — where
 * clients expect the old one.
 */
export async function startHeraldOn(port: number, env: Record<string, string> = {}): Promise<HeraldServer> {
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', HERALD_LOG_LEVEL: 'error', ...env });
  const app = await createHeraldApp(config);
  await app.listen(port, '127.0.0.1');
  const actual = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    bus: app.get(EventBus),
    config,
    url: `http://127.0.0.1:${actual}`,
    wsUrl: `ws://127.0.0.1:${actual}/ws`,
    close: () => app.close(),
  };
}

export function portOf(server: HeraldServer): number {
  return Number(new URL(server.url).port);
}
