import { Controller, Get, Header, HttpCode, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Access } from '@herald/transports';
import { BusReadiness } from './bus-readiness';
import { ShutdownState } from './shutdown-state';

export const INSTANCE_NAME = Symbol('INSTANCE_NAME');

/** Builds a Terminus-shaped result: `ok` when every indicator is `up`, else `error` (or `shutting_down`). */
export function healthResult(indicators: HealthIndicatorResult[], shuttingDown = false): HealthCheckResult {
  const details: HealthIndicatorResult = Object.assign({}, ...indicators);
  const info: HealthIndicatorResult = {};
  const error: HealthIndicatorResult = {};
  for (const [key, value] of Object.entries(details)) (value.status === 'down' ? error : info)[key] = value;
  const status = shuttingDown ? 'shutting_down' : Object.keys(error).length > 0 ? 'error' : 'ok';
  return { status, info, error, details };
}

/**
 * Liveness and readiness probes, outside the `/api` prefix.
 *
 * - `/health/live`: 200 while the process can answer at all. It never looks
 *   at Redis: restarting every instance because Redis is away would only drop
 *   their clients.
 * - `/health/ready`: 200 when this instance can take new clients: its bus is
 *   connected (always, for the in-memory bus) and it is not shutting down;
 *   503 otherwise. Clients already connected stay connected while it is 503.
 *
 * Both are public: probes carry no credentials, and the answers hold nothing secret.
 */
@ApiTags('health')
@Access('public')
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly bus: BusReadiness,
    private readonly shutdown: ShutdownState,
    @Inject(INSTANCE_NAME) private readonly instance: string,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('live')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ description: 'Terminus-shaped result: {status: "ok", info, error, details}' })
  live(): HealthCheckResult {
    return healthResult([
      { process: { status: 'up', instance: this.instance, pid: process.pid, uptimeS: Math.round((Date.now() - this.startedAt) / 1000) } },
    ]);
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Readiness: the bus is connected and the instance is not shutting down' })
  @ApiOkResponse({ description: 'Ready: {status: "ok", ...}' })
  @ApiServiceUnavailableResponse({ description: 'Not ready: {status: "error" | "shutting_down", error: {...}}' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    const draining = this.shutdown.draining;
    if (draining) {
      // Terminus has no notion of our drain; the answer keeps its shape with status `shutting_down`.
      res.status(503);
      return healthResult([{ instance: { status: 'up', name: this.instance } }, { shutdown: { status: 'down', message: 'shutting down: draining connections' } }], true);
    }
    try {
      const result = await this.health.check([
        () => this.indicators.check('instance').up({ name: this.instance }),
        () => {
          const bus = this.indicators.check('bus');
          return this.bus.isReady() ? bus.up({ kind: this.bus.bus }) : bus.down({ kind: this.bus.bus, message: 'not connected to Redis; reconnecting' });
        },
        () => this.indicators.check('shutdown').up(),
      ]);
      res.status(200);
      return result;
    } catch (error) {
      // Terminus answers "not ready" by throwing 503 with the result as its body.
      if (error instanceof ServiceUnavailableException) {
        res.status(503);
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
