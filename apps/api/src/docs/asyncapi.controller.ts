import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '@herald/transports';
import { buildAsyncApi } from './asyncapi';

/** Serves the AsyncAPI document next to the OpenAPI one. */
@ApiExcludeController()
@Access('public')
@Controller('docs')
export class AsyncApiController {
  private readonly document = buildAsyncApi();

  @Get('asyncapi.json')
  asyncApi(): Record<string, unknown> {
    return this.document;
  }
}
