import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions, symbols, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { effectiveLogLevel, logContext, type LogLevelName } from '@lianjian/common';
import type { AppName } from './prom-metrics';

const PINO_LEVEL: Record<LogLevelName, string> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

// Where a secret could sit in anything logged as an object: request and response headers, bodies,
// configuration. Requests are logged without headers or body at all (see SERIALIZERS); this is what
// catches an object logged by hand.
const SECRET_KEYS = [
  'authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'password',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'passwordHash',
  'totp',
  'totpCode',
  'totpSecret',
  'otp',
  'secret',
  'secrets',
  'token',
  'accessToken',
  'apiKey',
  'key',
  'signingKey',
  'signature',
  'WEBHOOK_SECRETS_KEY',
  'METRICS_TOKEN',
];
const step = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `["${k}"]`);
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [
  ...(step(k).startsWith('.') ? [k] : []),
  `*${step(k)}`,
  `*.*${step(k)}`,
  `req.headers${step(k)}`,
  `res.headers${step(k)}`,
]);

// A request is logged by what it asked for, never by its headers or body (credentials, passwords,
// one-time codes and secrets travel there); the query string is cut off (an id is enough to find it).
const SERIALIZERS = {
  req: (req: IncomingMessage & { id?: string; ip?: string }) => ({
    method: req.method,
    url: (req.url ?? '').split('?')[0].slice(0, 512),
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
  }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
};

// Every line: the request id (and, in a worker, the job) of the log context it is written in, unless
// the line's logger already carries it (pino-http's per-request child does).
function mixin(_: object, __: number, logger: PinoLogger): Record<string, string> {
  const ctx = logContext();
  if (!ctx?.requestId && !ctx?.job) return {};
  const chindings = (logger as unknown as Record<symbol, string | undefined>)[symbols.chindingsSym] ?? '';
  const out: Record<string, string> = {};
  if (ctx.requestId && !chindings.includes('"requestId"')) out.requestId = ctx.requestId;
  if (ctx.job) out.job = ctx.job;
  return out;
}

export function pinoOptions(
  app: AppName,
  env: { LOG_LEVEL?: LogLevelName; NODE_ENV?: string },
): LoggerOptions {
  return {
    level: PINO_LEVEL[effectiveLogLevel(env)],
    base: { app, pid: process.pid },
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: SERIALIZERS,
    mixin,
  };
}

// Structured JSON logs (pino) for the api and the worker, one object a line on stdout: Nest's own
// logger and every `new Logger(…)` write through it. In the api, pino-http logs each answer
// (method, route path, status, time) with the request id. nestjs-pino keeps one root logger per
// process, made by the first app: an api and a worker started in one test process share the api's
// (their lines all say app "api"; a worker's job lines still carry `job`).
export function loggerModule(
  app: AppName,
  env: { LOG_LEVEL?: LogLevelName; NODE_ENV?: string },
): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: [
      {
        ...pinoOptions(app, env),
        genReqId: (req) => (req as { id?: string }).id ?? randomUUID(),
        quietReqLogger: true,
        customAttributeKeys: { reqId: 'requestId', responseTime: 'ms' },
        customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
        autoLogging: { ignore: (req) => req.url === '/health' },
      },
      process.stdout,
    ],
    // The request's own log lines say where they come from; Nest's context (the class) stays.
    renameContext: 'context',
  });
}
