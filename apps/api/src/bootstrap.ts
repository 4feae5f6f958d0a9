import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { logLevels } from '@lianjian/common';
import { AppModule } from './app.module';
import { apiEnvSchema, type ApiEnv } from './api-env';
import { jsonBody } from './common/json-body';
import { auditTrail } from './common/audit-trail';
import { AuditRepository } from '@lianjian/database';

// Builds the HTTP application from its validated configuration (main.ts parses the environment;
// tests give theirs), which is all the application's ConfigService serves.
export async function createApiApp(cfg: ApiEnv): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(cfg), {
    bodyParser: false,
    logger: logLevels(cfg.NODE_ENV === 'test' ? 'warn' : cfg.LOG_LEVEL),
  });
  // The client address (req.ip) behind the proxies TRUST_PROXY names; none by default.
  app.set('trust proxy', cfg.TRUST_PROXY);
  app.use(jsonBody(cfg.BODY_LIMIT_MB));
  app.use(auditTrail(app.get(AuditRepository)));
  const doc = SwaggerModule.createDocument(
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
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json' });
  return app;
}

// The api as a test stack starts it (startStack of @lianjian/testing): the schema its variables are
// validated by, and the factory given the result.
export const apiApp = { envSchema: apiEnvSchema, create: createApiApp };
