import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { TransportMetrics } from './transport-metrics';

/** Prometheus scrape endpoint at `/metrics` (outside `/api`); put it behind your proxy's allowlist. */
@ApiExcludeController()
@Access('public')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TransportMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
