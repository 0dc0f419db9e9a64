import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './app/config';
import { createHeraldApp } from './app/create-app';
import { installGracefulShutdown } from './health/graceful-shutdown';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createHeraldApp(config);
  // Instead of app.enableShutdownHooks(): the same Nest hooks, run by app.close(), after the
  // listening socket is closed, and within a bounded time (see installGracefulShutdown).
  installGracefulShutdown(app, { drainMs: config.shutdownDrainMs, logger: new Logger('Shutdown') });
  await app.listen(config.port, config.host);
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  Logger.log(
    `Herald ${config.instance} listening on http://${shown}:${config.port} (bus: ${config.bus}, demo feed: ${config.demo ? 'on' : 'off'})`,
    'Herald',
  );
  Logger.log(`API docs: http://${shown}:${config.port}/api/docs — WebSocket: ws://${shown}:${config.port}/ws`, 'Herald');
}

bootstrap().catch((error: unknown) => {
  console.error(`Herald failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
