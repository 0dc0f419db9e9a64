import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
// Types only: @nestjs/terminus 12 is ESM-only and cannot be loaded by the Jest runtime the e2e tests use on Node 20
// (see docs/deployment.md#health-probes); the answers keep its result shape, so orchestrators and dashboards read them alike.
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';
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
  ready(@Res({ passthrough: true }) res: Response): HealthCheckResult {
    const busReady = this.bus.isReady();
    const draining = this.shutdown.draining;
    const result = healthResult(
      [
        { instance: { status: 'up', name: this.instance } },
        { bus: { status: busReady ? 'up' : 'down', kind: this.bus.bus, ...(busReady ? {} : { message: 'not connected to Redis; reconnecting' }) } },
        { shutdown: { status: draining ? 'down' : 'up', ...(draining ? { message: 'shutting down: draining connections' } : {}) } },
      ],
      draining,
    );
    res.status(result.status === 'ok' ? 200 : 503);
    return result;
  }
}
