import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuditRepository } from '@lianjian/database';
import { actorName, actorRole } from '@lianjian/access';
import type { AuthenticatedRequest } from '../auth/access.decorator';

// Appends every write through the API, and every read of an entity profile or a case, to the
// hash-chained audit log once the response is sent: who (the signed-in user or API key, with its
// role), from where, what (method and route, with its parameters), when and the result. Refused
// attempts are logged too (401/403). Sign-ins are audited by the login route itself.
const AUDITED_READ = /^\/api\/v1\/(entities\/[^/]+|cases\/\d+)$/;
const SELF_AUDITED = new Set(['/api/v1/auth/login']);
const log = new Logger('AuditTrail');

export function auditTrail(audit: AuditRepository) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if ((write || AUDITED_READ.test(req.path)) && !SELF_AUDITED.has(req.path)) {
      // The entry is appended before the response ends: when a caller has its answer, the audit log
      // already holds the action. A failed append is logged and does not withhold the answer.
      const end = res.end.bind(res) as (...a: unknown[]) => Response;
      res.end = ((...args: unknown[]) => {
        res.end = end as Response['end'];
        append(audit, req, res).finally(() => end(...args));
        return res;
      }) as Response['end'];
    }
    next();
  };
}

async function append(audit: AuditRepository, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as { source?: unknown };
  const principal = (req as AuthenticatedRequest).principal;
  const status = res.statusCode;
  try {
    await audit.append({
      actor: principal ? actorName(principal) : 'anonymous',
      role: principal ? actorRole(principal) : null,
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
    });
  } catch (e) {
    log.error(`audit entry not written for ${req.method} ${req.path}: ${(e as Error).message}`);
  }
}
