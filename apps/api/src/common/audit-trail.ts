import {
  applyDecorators,
  Injectable,
  Logger,
  SetMetadata,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { afterCommit, ServiceUnavailableError } from '@lianjian/common';
import { AuditRepository, runInRequestTransaction } from '@lianjian/database';
import { actorName, actorRole } from '@lianjian/access';
import type { AuthenticatedRequest } from '../auth/access.decorator';
import { databaseUnavailable, errorStatus } from './http-error.filter';
import { AUDIT_REFUSAL } from './audit-refusal';

// The audit trail of the API (审计): who (the signed-in user or API key, with its role), from where,
// what (method and route, with its parameters), when and the result. What is audited is read from
// the route Nest resolved, never from the path's spelling: every write (any method but GET, HEAD and
// OPTIONS), and the reads a route declares with @AuditedRead(). Refused attempts on a route are
// audited too (401/403 from the guard, 4xx/5xx from the handler); a path that is no route (404) is
// not. A write and its entry commit in one transaction, or neither does: when the entry cannot be
// appended the caller gets a 503 and nothing of the write remains. A read is answered only once its
// entry is stored.
export const AUDIT_KEY = 'lianjian:audit';
type AuditMode = 'read' | 'none';

export const AUDIT_QUERY_KEY = 'lianjian:audit:query';

// A read whose every call is audited (an entity profile, a case, refused rows, the audit log…);
// withQuery: its entry also keeps the query it was asked with (an export: which list left the system).
export const AuditedRead = (opts: { withQuery?: boolean } = {}) =>
  opts.withQuery
    ? applyDecorators(SetMetadata(AUDIT_KEY, 'read' satisfies AuditMode), SetMetadata(AUDIT_QUERY_KEY, true))
    : SetMetadata(AUDIT_KEY, 'read' satisfies AuditMode);
// A write that writes its own audit entry (sign-in: who tried, and the outcome, without a password).
export const SelfAudited = () => SetMetadata(AUDIT_KEY, 'none' satisfies AuditMode);

const log = new Logger('AuditTrail');
const PLAN = Symbol('lianjian:audit-plan');
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface AuditPlan {
  write: boolean;
  done: boolean; // the entry is stored (or its failure answered)
  handled: boolean; // the handler returned
  committed: boolean; // the write's transaction committed
  record(status: number): Promise<void>;
}

type AuditedRequest = Request & AuthenticatedRequest & { [PLAN]?: AuditPlan; [AUDIT_REFUSAL]?: unknown };

const resultOf = (status: number): string =>
  status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : status < 500 ? 'refused' : 'failed';

// The answer when an entry cannot be stored: the database's own 503 when it is unreachable (the
// caller learns what is down), else the audit log's.
const auditUnavailable = (cause?: unknown) =>
  cause !== undefined && databaseUnavailable(cause)
    ? cause
    : new ServiceUnavailableError(
        'the audit log could not record this action, so it was not carried out; nothing was changed / 审计日志无法记录此操作，操作未执行，未做任何更改',
        5,
      );

// Runs first of the guards, once Nest has resolved the route: decides from the route's metadata
// whether the request is audited and prepares its entry. It refuses nothing.
@Injectable()
export class AuditGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<AuditedRequest>();
    const mode = this.reflector.getAllAndOverride<AuditMode | undefined>(AUDIT_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    const write = !READ_METHODS.has(req.method);
    if (mode === 'none' || (!write && mode !== 'read')) return true;
    const route = (req.route as { path?: string } | undefined)?.path ?? '(route)';
    const withQuery = this.reflector.get<boolean | undefined>(AUDIT_QUERY_KEY, ctx.getHandler()) === true;
    const plan: AuditPlan = {
      write,
      done: false,
      handled: false,
      committed: false,
      record: (status) => this.audit.append(entryOf(req, route, status, withQuery)),
    };
    req[PLAN] = plan;
    req[AUDIT_REFUSAL] = (status: number) => auditRefusal(plan, status);
    return true;
  }
}

// The query as it was sent, bounded (an entry stays small whatever a client sends).
const QUERY_MAX_CHARS = 1000;
const queryOf = (q: unknown) => {
  const text = JSON.stringify(q ?? {});
  return text.length <= QUERY_MAX_CHARS
    ? (JSON.parse(text) as unknown)
    : { truncated: text.slice(0, QUERY_MAX_CHARS) };
};

function entryOf(req: AuditedRequest, route: string, status: number, withQuery = false) {
  const body = (req.body ?? {}) as { source?: unknown; shadowModel?: unknown };
  const principal = req.principal;
  const params = req.params ?? {};
  return {
    actor: principal ? actorName(principal) : 'anonymous',
    role: principal ? actorRole(principal) : null,
    source: req.ip ?? null,
    action: `${req.method} ${route}`,
    // The route's parameters (decoded, as the handler saw them), else its path (which, routing being
    // strict, is the route's own); the repository bounds their length.
    target: Object.keys(params).length ? JSON.stringify(params) : req.path,
    result: resultOf(status),
    detail: {
      status,
      ...(typeof body.source === 'string' ? { feed: body.source.slice(0, 200) } : {}),
      // A shadow run's candidate model (POST /score-runs): which model was run in shadow.
      ...(typeof body.shadowModel === 'string' ? { shadowModel: body.shadowModel.slice(0, 200) } : {}),
      ...(withQuery ? { query: queryOf(req.query) } : {}),
    },
  };
}

// Runs the handler of an audited route: a write in a request transaction that also holds its entry,
// a read before its entry is appended and the answer released.
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuditedRequest>();
    const plan = req[PLAN];
    if (!plan) return next.handle();
    const res = ctx.switchToHttp().getResponse<Response>();
    const okStatus = () =>
      res.headersSent
        ? res.statusCode
        : (this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler()) ??
          (req.method === 'POST' ? 201 : 200));
    return from(plan.write ? this.write(plan, next, okStatus) : this.read(plan, next, okStatus));
  }

  private async write(plan: AuditPlan, next: CallHandler, okStatus: () => number): Promise<unknown> {
    try {
      return await runInRequestTransaction(async () => {
        await afterCommit(async () => (plan.committed = true));
        const out = await lastValueFrom(next.handle(), { defaultValue: undefined });
        plan.handled = true;
        await plan.record(okStatus());
        plan.done = true;
        return out;
      });
    } catch (e) {
      if (plan.committed) {
        // A side effect after the commit (a queue job) failed: the write stands, with its entry; a
        // second entry records the failure the caller is answered with.
        await plan.record(errorStatus(e)).catch(() => undefined);
        throw e;
      }
      if (plan.handled) {
        // The entry could not be appended, or the transaction not committed: nothing remains.
        plan.done = true;
        log.error(`write refused, its audit entry could not be stored: ${(e as Error).message}`);
        throw auditUnavailable(e);
      }
      // The handler refused or failed (its transaction rolled back): the attempt is audited alone.
      await recordOrRefuse(plan, errorStatus(e));
      throw e;
    }
  }

  private async read(plan: AuditPlan, next: CallHandler, okStatus: () => number): Promise<unknown> {
    let out: unknown;
    try {
      out = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (e) {
      await recordOrRefuse(plan, errorStatus(e));
      throw e;
    }
    if (!plan.done) await recordOrRefuse(plan, okStatus());
    return out;
  }
}

// A read that streams its answer (a download, an export) stores its entry before the first byte:
// once bytes are sent the answer cannot be withheld, so the entry must be there first. A stream that
// then fails gets a second entry with the failure.
export async function auditStreamedRead(req: Request): Promise<void> {
  const plan = (req as AuditedRequest)[PLAN];
  if (plan && !plan.done) await recordOrRefuse(plan, 200);
}

async function recordOrRefuse(plan: AuditPlan, status: number): Promise<void> {
  plan.done = true;
  try {
    await plan.record(status);
  } catch (e) {
    log.error(`audit entry not stored, answer withheld: ${(e as Error).message}`);
    throw auditUnavailable(e);
  }
}

// An audited request refused before its handler ran (by a guard): its entry, for the error filter.
function auditRefusal(plan: AuditPlan, status: number): Promise<void> | undefined {
  if (plan.done) return undefined;
  return recordOrRefuse(plan, status);
}
