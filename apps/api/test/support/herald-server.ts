import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { EventBus } from '@herald/event-bus';
import { HeraldConfig, loadConfig } from '../../src/app/config';
import { createHeraldApp } from '../../src/app/create-app';

export interface HeraldServer {
  app: INestApplication;
  bus: EventBus;
  config: HeraldConfig;
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port>/ws */
  wsUrl: string;
  close(): Promise<void>;
}

/** Starts the real Herald app on an ephemeral loopback port, configured like production from env-style values. */
export async function startHerald(env: Record<string, string> = {}): Promise<HeraldServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', HERALD_LOG_LEVEL: 'error', ...env });
  const app = await createHeraldApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    bus: app.get(EventBus),
    config,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    close: () => app.close(),
  };
}

/** Polls `check` until it returns true or `ms` passes (then throws with `what`). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
}
