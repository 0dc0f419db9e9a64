import { Controller, DynamicModule, Get, Header, Logger, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ServeStaticModule } from '@nestjs/serve-static';
import { Access } from '@herald/transports';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Herald</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Herald is running</h1><p>The dashboard has not been built. Run <code>npm start</code> (it builds it), or
<code>npx nx build dashboard</code>. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

@ApiExcludeController()
@Access('public')
@Controller()
class DashboardMissingController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return NOT_BUILT;
  }
}

/**
 * Serves the built Angular dashboard at `/` (with the SPA fallback), never
 * shadowing `/api`. Without a build, `/` explains how to make one.
 */
@Module({})
export class DashboardModule {
  static forDirectory(dir: string): DynamicModule {
    const rootPath = resolve(dir);
    if (!existsSync(join(rootPath, 'index.html'))) {
      const warning = { provide: 'DASHBOARD_MISSING', useFactory: () => new Logger('Dashboard').warn(`no dashboard build at ${rootPath}; serving a placeholder at /`) };
      return { module: DashboardModule, controllers: [DashboardMissingController], providers: [warning] };
    }
    return {
      module: DashboardModule,
      imports: [ServeStaticModule.forRoot({ rootPath, exclude: ['/api/{*path}'] })],
    };
  }
}
