/**
 * Whether the event bus can publish and deliver live events right now: the
 * port readiness probes read. The in-memory bus is always ready; the Redis bus
 * is ready while its connections to Redis are up.
 */
export abstract class BusReadiness {
  /** Which `EventBus` implementation runs (`HERALD_BUS`). */
  abstract readonly bus: 'memory' | 'redis';
  abstract isReady(): boolean;
}

export class StaticBusReadiness extends BusReadiness {
  constructor(
    readonly bus: 'memory' | 'redis',
    private readonly check: () => boolean,
  ) {
    super();
  }

  isReady(): boolean {
    return this.check();
  }
}
