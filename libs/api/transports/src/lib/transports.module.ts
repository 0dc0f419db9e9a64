import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Authenticator, OpenAccessAuthenticator } from '@herald/security';
import { AuthGuard } from './auth/auth.guard';
import { MetricsController } from './metrics/metrics.controller';
import { TransportMetrics } from './metrics/transport-metrics';
import { AdmissionGuard } from './limits/admission.guard';
import { ConnectionLimiter } from './limits/connection-limiter';
import { RateLimiter } from './limits/rate-limiter';
import { UpgradeAdmission } from './limits/upgrade-admission';
import { asyncScheduler, SchedulerLike } from 'rxjs';
import { EventBus, LogReader } from '@herald/event-bus';
import { LongPollController } from './long-poll/long-poll.controller';
import { PollController } from './poll/poll.controller';
import { PublishController } from './publish/publish.controller';
import { PublisherService } from './publish/publisher.service';
import { SseController } from './sse/sse.controller';
import { SubscriberRegistry } from './subscriber-registry';
import { RX_SCHEDULER } from './tokens';
import { TransportOptions } from './transport-options';
import { WsGateway } from './ws/ws.gateway';
import { ShutdownService } from './lifecycle/shutdown.service';
import { SubscriptionGate } from './http/subscription-gate';

export interface TransportsModuleConfig {
  options?: TransportOptions;
  /** Who may do what (built while the app initializes); default: open access (local development only). */
  authenticator?: () => Authenticator;
  /** Timer scheduler for timeouts, heartbeats and pings (default: `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

/**
 * Publish, topics, poll, long-poll, SSE and WebSocket, all on the injected
 * `EventBus` (which the importing app must provide globally).
 */
@Module({})
export class TransportsModule {
  static register(config: TransportsModuleConfig = {}): DynamicModule {
    return {
      module: TransportsModule,
      controllers: [PublishController, PollController, LongPollController, SseController, MetricsController],
      providers: [
        { provide: TransportOptions, useValue: config.options ?? new TransportOptions() },
        { provide: Authenticator, useFactory: config.authenticator ?? (() => new OpenAccessAuthenticator()) },
        { provide: RateLimiter, useFactory: (options: TransportOptions) => new RateLimiter(options), inject: [TransportOptions] },
        ConnectionLimiter,
        SubscriptionGate,
        TransportMetrics,
        UpgradeAdmission,
        // Admission (rates, caps) first, then authentication and authorization.
        { provide: APP_GUARD, useClass: AdmissionGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: RX_SCHEDULER, useValue: config.scheduler ?? asyncScheduler },
        { provide: LogReader, useFactory: (bus: EventBus) => new LogReader(bus), inject: [EventBus] },
        SubscriberRegistry,
        PublisherService,
        WsGateway,
        ShutdownService,
      ],
      exports: [SubscriptionGate, SubscriberRegistry, PublisherService, LogReader, TransportOptions, WsGateway, RX_SCHEDULER, Authenticator, UpgradeAdmission, ConnectionLimiter, RateLimiter, TransportMetrics],
    };
  }
}
