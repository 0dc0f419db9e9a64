import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { HeraldConfig } from './config';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Builds the configured (not yet listening) Herald application. */
export async function createHeraldApp(config: HeraldConfig, options: { logger?: LogLevel[] | false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forConfig(config), {
    bodyParser: false,
    // Open SSE streams and long polls must not hold app.close() forever.
    forceCloseConnections: true,
    logger: options.logger ?? LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  configureApp(app, config);
  return app;
}
