import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './app/config';
import { createHeraldApp } from './app/create-app';

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
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  Logger.log(`Herald listening on http://${shown}:${config.port} (bus: ${config.bus}, demo feed: ${config.demo ? 'on' : 'off'})`, 'Herald');
  Logger.log(`API docs: http://${shown}:${config.port}/api/docs — WebSocket: ws://${shown}:${config.port}/ws`, 'Herald');
}

void bootstrap();
