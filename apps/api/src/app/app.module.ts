import { DynamicModule, Module } from '@nestjs/common';
import { TransportOptions, TransportsModule } from '@herald/transports';
import { DemoModule } from '../demo/demo.module';
import { HealthModule } from '../health/health.module';
import type { HeraldConfig } from './config';
import { authenticatorFor } from './auth';
import { DashboardModule } from './dashboard.module';
import { AsyncApiController } from '../docs/asyncapi.controller';
import { EventBusModule } from './event-bus.module';
import { loggingModule } from './logging.module';

export function transportOptionsFrom(config: HeraldConfig): TransportOptions {
  return new TransportOptions({
    maxPayloadBytes: config.maxPayloadBytes,
    maxTopicsPerSubscription: config.maxTopicsPerSubscription,
    maxTopicsPerSocket: config.maxTopicsPerSocket,
    defaultLimit: config.pollDefaultLimit,
    maxLimit: config.pollMaxLimit,
    longPollDefaultTimeoutMs: config.longPollDefaultMs,
    longPollMaxTimeoutMs: config.longPollMaxMs,
    heartbeatMs: config.heartbeatMs,
    sseRetryMs: config.sseRetryMs,
    wsPingMs: config.wsPingMs,
    wsMaxBufferedBytes: config.wsMaxBufferedBytes,
    shutdownDrainMs: config.shutdownDrainMs,
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerIp,
    publishesPerMinute: config.publishesPerMinute,
    connectionAttemptsPerMinute: config.connectionAttemptsPerMinute,
    trustProxy: config.trustProxy,
  });
}

@Module({})
export class AppModule {
  static forConfig(config: HeraldConfig): DynamicModule {
    const transports = TransportsModule.register({ options: transportOptionsFrom(config), authenticator: () => authenticatorFor(config) });
    return {
      module: AppModule,
      controllers: [AsyncApiController],
      imports: [
        loggingModule(config),
        EventBusModule.forConfig(config),
        HealthModule.forInstance(config.instance),
        transports,
        ...(config.demo ? [DemoModule.register(transports, config.demoIntervalMs)] : []),
        DashboardModule.forDirectory(config.dashboardDir),
      ],
    };
  }
}
