import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuditRepository } from '@lianjian/database';

// Appends every write through the API, and every read of an entity profile, to the hash-chained
// audit log once the response is sent: who (until people sign in, the `by`/`author` the request
// names), from where, what (method and route, with its parameters), when and the result.
const PROFILE_READ = /^\/api\/v1\/entities\/[^/]+$/;
const log = new Logger('AuditTrail');

export function auditTrail(audit: AuditRepository) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (write || PROFILE_READ.test(req.path))
      res.on('finish', () => {
        const body = (req.body ?? {}) as { by?: unknown; author?: unknown; source?: unknown };
        const named = [body.by, body.author].find((v) => typeof v === 'string' && v.trim() !== '');
        const status = res.statusCode;
        audit
          .append({
            actor: typeof named === 'string' ? named.trim().slice(0, 100) : 'anonymous',
            role: null,
            source: req.ip ?? null,
            action: `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`,
            target: Object.keys(req.params ?? {}).length ? JSON.stringify(req.params) : req.path,
            result:
              status < 400
                ? 'ok'
                : status === 401 || status === 403
                  ? 'denied'
                  : status < 500
                    ? 'refused'
                    : 'failed',
            detail: { status, ...(typeof body.source === 'string' ? { feed: body.source } : {}) },
          })
          .catch((e: unknown) =>
            log.error(`audit entry not written for ${req.method} ${req.path}: ${(e as Error).message}`),
          );
      });
    next();
  };
}
