import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { isUtf8 } from 'node:buffer';
import helmet from 'helmet';
import cors from 'cors';
import { ErrorCode, PROBLEM_CONTENT_TYPE } from '@herald/contracts';
import { DirectReadRoutes, HeraldWsAdapter, problem, ProblemDetailsFilter, TransportMetrics, UpgradeAdmission } from '@herald/transports';
import type { HeraldConfig } from './config';
import { accessLog } from './access-log';
import { pinoHttpOptions } from './logging.module';
import { pinoHttp } from 'pino-http';
import { fixedHeaders, fixedWithoutOrigin } from './fixed-headers';

/** Room for `{"type": ..., "data": ...}` around the largest allowed `data`. */
const ENVELOPE_SLACK_BYTES = 4096;

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Answers body-parser failures (bad JSON, too large) as problem+json instead of Express's HTML page. */
function bodyErrors(error: BodyParserError, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  const instance = req.originalUrl.split('?')[0];
  const body =
    error.type === 'entity.too.large'
      ? problem(413, ErrorCode.PayloadTooLarge, 'the request body is larger than allowed', instance)
      : error.type === 'entity.parse.failed' || error.type === 'entity.verify.failed'
        ? problem(400, ErrorCode.InvalidJson, error.type === 'entity.verify.failed' ? 'the request body is not valid UTF-8' : 'the request body is not valid JSON', instance)
        : error.type === 'charset.unsupported' || error.type === 'encoding.unsupported'
          ? problem(415, ErrorCode.UnsupportedMediaType, 'send UTF-8 JSON without a content encoding', instance)
          : problem(error.status && error.status < 500 ? error.status : 400, ErrorCode.InvalidBody, 'the request body could not be read', instance);
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** API answers (not pages): under /api/ except the Swagger UI pages, and /metrics and /health. */
export function isApiPath(path: string): boolean {
  if (path.startsWith('/api/')) return !path.startsWith('/api/docs') || path.endsWith('.json');
  return path === '/metrics' || path.startsWith('/health');
}

/** Everything main.ts and the tests share: prefix, body parsing, errors, WS adapter, OpenAPI. */
export function configureApp(app: INestApplication, config: HeraldConfig): void {
  // The access log (and request id) of every Express route; the direct routes write the same line.
  const httpLog = pinoHttp(pinoHttpOptions(config));
  app.use(httpLog);
  app.setGlobalPrefix('api', { exclude: ['metrics', 'health/{*path}', '/'] });
  // ETags are ours (the poll cursor); no automatic weak ETags on other answers.
  app.getHttpAdapter().getInstance().set('etag', false);
  if (config.trustProxy) app.getHttpAdapter().getInstance().set('trust proxy', true);
  // Pages (the dashboard, Swagger UI) get helmet's document policy; API answers (JSON, event streams,
  // metrics, health) are not documents and get the OWASP REST set: no framing, no sniffing, HSTS,
  // no referrer, and a CSP that allows nothing should one be opened as a page. Fewer header bytes
  // on every poll matter: they are most of what a poll answer writes.
  const pageHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        scriptSrc: ["'self'"],
        // Angular component styles are inline; Swagger UI's too.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  const apiHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  app.use((req: Request, res: Response, next: NextFunction) => (isApiPath(req.path) ? apiHeaders : pageHeaders)(req, res, next));
  const crossOrigin = cors({
    // Same-origin always works; other origins only when listed (or `*`).
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key', 'Last-Event-ID', 'If-None-Match', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
    maxAge: 600,
  });
  app.use(crossOrigin);
  app.use(
    express.json({
      limit: config.maxPayloadBytes + ENVELOPE_SLACK_BYTES,
      type: ['application/json', 'application/*+json'],
      // JSON is UTF-8: invalid bytes are refused, not silently replaced.
      verify: (_req, _res, body) => {
        if (!isUtf8(body)) throw Object.assign(new Error('the request body is not valid UTF-8'), { status: 400 });
      },
    }),
  );
  app.use(bodyErrors);
  const metrics = app.get(TransportMetrics, { strict: false });
  app.useGlobalFilters(new ProblemDetailsFilter((problem) => metrics.rejected(problem.code)));
  // Poll, long poll and SSE skip Express and Nest's router (same middleware, checks, handlers, errors).
  if (config.directReads) DirectReadRoutes.fromApp(app, { observe: accessLog(httpLog.logger), headers: [fixedHeaders(apiHeaders), fixedWithoutOrigin(crossOrigin)] }).installOn(app.getHttpServer());
  const admission = app.get(UpgradeAdmission, { strict: false });
  app.useWebSocketAdapter(
    new HeraldWsAdapter(
      app,
      config.maxPayloadBytes + ENVELOPE_SLACK_BYTES,
      config.corsOrigins,
      (req) => admission.admit(req),
      (socket, req) => admission.connected(socket, req),
    ),
  );
  const openApi = new DocumentBuilder()
    .setTitle('Herald')
    .setDescription(
      'Real-time events over short poll, long poll, SSE and WebSocket from one event log. ' +
        'WebSocket frames on /ws are described in docs/protocol.md. Errors are RFC 9457 application/problem+json.',
    )
    .setVersion('1')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs/openapi.json' });
}
