import type { NextFunction, Request, Response } from 'express';
import { requestIdFor, runInLogContext } from '@lianjian/common';
import type { PromMetrics } from './prom-metrics';

// First of every request: its id (a well-formed incoming X-Request-Id, else a new one) is echoed in
// the response, put on every log line of the request (pino-http reads req.id) and carried into the
// jobs it enqueues (JobQueue reads it from the log context).
export function requestContext() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = requestIdFor(req.headers['x-request-id']);
    (req as Request & { id: string }).id = id;
    res.setHeader('X-Request-Id', id);
    runInLogContext({ requestId: id }, next);
  };
}

// A route that serves many paths itself (the queue dashboard) names its label here.
export const METRICS_ROUTE = 'metricsRoute';

// Nest answers a path no controller serves through a catch-all route of its own.
const CATCH_ALL = new Set(['{/*splat}', '/*splat', '*', '(.*)']);

// Counts each answer by its route template (/api/v1/entities/:key, never the raw path, so label
// values stay few) and status, with its latency. A path no route matched is "(unmatched)".
export function httpMetrics(metrics: PromMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const named = res.locals[METRICS_ROUTE] as string | undefined;
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = named ?? (typeof path === 'string' && !CATCH_ALL.has(path) ? path : '(unmatched)');
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpRequest(req.method, route, res.statusCode, seconds);
    });
    next();
  };
}
