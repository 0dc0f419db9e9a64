import { DynamicModule, Module } from '@nestjs/common';
import { DEMO_INTERVAL_MS, DemoFeedService } from './demo-feed.service';

@Module({})
export class DemoModule {
  static register(transports: DynamicModule, intervalMs: number): DynamicModule {
    return {
      module: DemoModule,
      imports: [transports],
      providers: [{ provide: DEMO_INTERVAL_MS, useValue: intervalMs }, DemoFeedService],
    };
  }
}
