import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { HeraldConfig } from './config';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';

/** Builds the configured (not yet listening) Herald application. */
export async function createHeraldApp(config: HeraldConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forConfig(config), {
    bodyParser: false,
    // Open SSE streams and long polls must not hold app.close() forever.
    forceCloseConnections: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureApp(app, config);
  return app;
}
