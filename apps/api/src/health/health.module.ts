import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, INSTANCE_NAME } from './health.controller';
import { ShutdownState } from './shutdown-state';

/**
 * `/health/live` and `/health/ready`. Needs `BusReadiness` from the event bus
 * module. `ShutdownState` is global so the process's signal handling can mark
 * the instance as draining.
 */
@Global()
@Module({})
export class HealthModule {
  static forInstance(instance: string): DynamicModule {
    return {
      module: HealthModule,
      // Terminus runs the readiness checks; its own failure logging is off (the answer says it all).
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [ShutdownState, { provide: INSTANCE_NAME, useValue: instance }],
      exports: [ShutdownState],
    };
  }
}
