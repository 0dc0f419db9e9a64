import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventBus, MemoryEventBus } from '@herald/event-bus';
import type { HeraldConfig } from './config';

/** Provides the one `EventBus` every transport shares, chosen by `HERALD_BUS`. */
@Global()
@Module({})
export class EventBusModule {
  static forConfig(config: HeraldConfig): DynamicModule {
    return {
      module: EventBusModule,
      providers: [
        {
          provide: EventBus,
          useFactory: () => new MemoryEventBus({ retention: config.retention, maxTopics: config.maxTopics }),
        },
      ],
      exports: [EventBus],
    };
  }
}
