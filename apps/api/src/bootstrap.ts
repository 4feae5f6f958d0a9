import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';
import express, { type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { apiEnvSchema, type ApiEnv } from './api-env';
import { jsonBody } from './common/json-body';
import { Logger } from 'nestjs-pino';
import { httpMetrics, PromMetrics, requestContext } from '@lianjian/observability';

// Builds the HTTP application from its validated configuration (main.ts parses the environment;
// tests give theirs), which is all the application's ConfigService serves.
export async function createApiApp(cfg: ApiEnv): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(cfg), strictRouting(), {
    bodyParser: false,
    // Nest's own lines wait for the JSON logger (LOG_LEVEL; warn under NODE_ENV=test unless set).
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // First: the request id (X-Request-Id) every log line and enqueued job of the request carries,
  // then the request's metrics (route template, status, latency).
  app.use(requestContext());
  app.use(httpMetrics(app.get(PromMetrics)));
  // The client address (req.ip) behind the proxies TRUST_PROXY names; none by default.
  app.set('trust proxy', cfg.TRUST_PROXY);
  // No ETag: Express hashes every JSON body to make one (sha1, ~0.026 ms for a 47 kB risk-list page of
  // 50, ~0.25 ms for a page of 500, about 1% of a request's CPU under bench:api), and a 304 would
  // still have built the whole answer first; no client of the API sends If-None-Match.
  app.set('etag', false);
  app.use(securityHeaders());
  app.use(jsonBody(cfg.BODY_LIMIT_MB));
  if (apiDocsEnabled(cfg)) serveDocs(app);
  app.use(serveConsole(cfg.CONSOLE_DIR));
  return app;
}

// Strict, case-sensitive routing: /api/v1/Entities/X and /api/v1/entities/X/ are no routes (404), so
// a path answers only under the one spelling its route (and its audit entry) knows. Express's router
// takes these settings when it is created, which the adapter does at once: hence an app of our own.
function strictRouting(): ExpressAdapter {
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  return new ExpressAdapter(server);
}

// OpenAPI (Swagger UI at /docs, JSON at /docs-json) maps every route for whoever asks: on by default
// outside production, off in production unless API_DOCS=on says otherwise.
export function apiDocsEnabled(cfg: Pick<ApiEnv, 'API_DOCS' | 'NODE_ENV'>): boolean {
  return (cfg.API_DOCS ?? (cfg.NODE_ENV === 'production' ? 'off' : 'on')) === 'on';
}

const isDocsPage = (req: Request): boolean =>
  req.path === '/docs' ||
  req.path.startsWith('/docs/') ||
  // The queue dashboard's page (Bull Board) loads its own scripts and styles too.
  req.path === '/admin/queues' ||
  req.path.startsWith('/admin/queues/');

const isConsolePage = (req: Request): boolean => req.path === '/console' || req.path.startsWith('/console/');

// The staff console (监管工作台) from its built files (CONSOLE_DIR, npm run build). Vite names every
// file under assets/ by its content hash, so those are cached for a year as immutable; any other
// path under /console is a client-side route and answers index.html, never cached, so a new build is
// picked up at the next load. /console itself (strict routing makes /console and /console/ two
// paths) answers it too: the page refers to its files by absolute /console/assets/… URLs. Without a
// build: 503 with what to do. Only GET and HEAD; other methods fall through to the API's 404.
function serveConsole(dir: string): RequestHandler {
  const assets = express.static(join(dir, 'assets'), {
    immutable: true,
    maxAge: 31_536_000_000,
    index: false,
    redirect: false,
    fallthrough: true,
  });
  const index = join(dir, 'index.html');
  return (req, res, next) => {
    if (!isConsolePage(req) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (!existsSync(index)) {
      res.status(503).json({
        error: {
          code: 'service_unavailable',
          message: `the console is not built: run npm run build (CONSOLE_DIR ${dir} has no index.html) / 工作台尚未构建：请运行 npm run build`,
          details: [],
        },
      });
      return;
    }
    if (req.path.startsWith('/console/assets/')) {
      const url = req.url;
      req.url = url.slice('/console/assets'.length);
      return assets(req, res, () => {
        req.url = url;
        next(); // no such file: the API's 404
      });
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, { cacheControl: false, lastModified: false, etag: false }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}

// Security headers on every answer (helmet): nosniff, HSTS, no X-Powered-By, and a CSP that lets a
// JSON answer load nothing at all. The Swagger UI page may load its own scripts and styles (its
// inline <style> included), the console's pages their own files (below).
function securityHeaders(): RequestHandler {
  const common = {
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    xPoweredBy: true,
    xFrameOptions: { action: 'deny' },
  } as const;
  const api = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
  });
  const docs = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
  });
  // The console: its own files only, no inline script and no eval. Inline styles are allowed because
  // antd 6 styles its components with CSS-in-JS (@ant-design/cssinjs), which inserts <style>
  // elements at run time; scripts stay 'self'. connect-src 'self': it talks to this API alone.
  const consolePages = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  return (req, res, next) =>
    (isConsolePage(req) ? consolePages : isDocsPage(req) ? docs : api)(req, res, next);
}

function serveDocs(app: NestExpressApplication): void {
  SwaggerModule.setup('docs', app, apiDocument(app), { jsonDocumentUrl: 'docs-json' });
}

// The OpenAPI document of every route: served at /docs-json, and written by the build (openapi.ts)
// for the console's typed client, so a changed route breaks the console's build, not its screens.
export function apiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Lianjian (联监) API')
      .setDescription(
        'Internet + regulation (互联网+监管) risk monitoring and early warning. See API.md for the stable core.',
      )
      .setVersion('1')
      // Every route but /health and /api/v1/auth/login: a bearer token (people) or an API key (systems).
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', name: 'X-Api-Key', in: 'header' }, 'apiKey')
      .addSecurityRequirements('bearer')
      .addSecurityRequirements('apiKey')
      .build(),
  );
}

// The api as a test stack starts it (startStack of @lianjian/testing): the schema its variables are
// validated by, and the factory given the result.
export const apiApp = { envSchema: apiEnvSchema, create: createApiApp };
