import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { CsrfError, ForbiddenError, UnauthorizedError } from '@lianjian/common';
import { AccessRepository } from '@lianjian/database';
import { ROLE_LABELS, can, secretHash, type Permission, type Principal } from '@lianjian/access';
import { AccessCache } from './access-cache';
import { ALLOW_KEY, PUBLIC_KEY, WHILE_ENROLLING_KEY, type AuthenticatedRequest } from './access.decorator';
import { CSRF_HEADER, csrfMatches, isSafeMethod, sessionTokenOf } from './session-cookies';

// Authenticates every request (bearer token for people, X-Api-Key for departmental systems, the
// console's lj_session cookie when neither header is sent: a header always wins) and checks the
// permission its route names. A write authenticated by the cookie must carry X-CSRF-Token equal to
// the session's CSRF value (session-cookies.ts), or it is refused 403 csrf_failed before anything
// is done. Department and jurisdiction scoping happen in the services,
// which know the rows. Credentials are never logged or echoed. A bearer token left unused for
// ACCESS_TOKEN_IDLE_MINUTES stops working (等保2.0 idle logout). Whom a credential stands for is
// cached for ACCESS_CACHE_SECONDS (access-cache.ts): a change to the user, the token or the key drops
// the entry in every api process when it commits.
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly idleMinutes: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessRepository,
    private readonly cache: AccessCache,
    config: ConfigService,
  ) {
    this.idleMinutes = config.getOrThrow<number>('ACCESS_TOKEN_IDLE_MINUTES');
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const principal = await this.authenticate(req);
    req.principal = principal;
    const needed = this.reflector.getAllAndOverride<Permission[] | undefined>(ALLOW_KEY, targets);
    if (!needed?.length) throw new ForbiddenError('this route has no access rule and is open to no one');
    if (
      principal.kind === 'user' &&
      principal.enrolOnly &&
      !this.reflector.getAllAndOverride<boolean>(WHILE_ENROLLING_KEY, targets)
    )
      throw new ForbiddenError(
        'administrators sign in with a second factor (TOTP): enrol one first (POST /api/v1/auth/totp/enrol with the one-time enrolment code a security administrator issued, then POST /api/v1/auth/totp/confirm with a code), or sign in with your code / 管理员须使用动态口令登录：请先凭一次性绑定码绑定动态口令（POST /api/v1/auth/totp/enrol，再 POST /api/v1/auth/totp/confirm）',
      );
    if (!needed.some((p) => can(principal, p)))
      throw new ForbiddenError(
        `${describe(principal)} may not do this (needs ${needed.join(' or ')}) / 当前角色无此权限`,
      );
    return true;
  }

  private async authenticate(req: Request): Promise<Principal> {
    const header = req.headers.authorization;
    const apiKey = req.headers['x-api-key'];
    if (typeof header === 'string' && header !== '') {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new UnauthorizedError('Authorization must be "Bearer <token>" / 认证头格式错误');
      return this.forToken(m[1], 'the token');
    }
    if (typeof apiKey === 'string' && apiKey !== '') {
      const key = `apiKeySecret:${secretHash(apiKey)}`;
      const cached = this.cache.principals.get(key);
      if (cached) return cached;
      const generation = this.cache.principals.generation;
      const p = await this.access.principalForApiKey(apiKey);
      if (p) this.cache.principals.set(key, p, [`apiKey:${p.id}`], generation);
      if (!p) throw new UnauthorizedError('the API key is unknown or revoked / API 密钥无效或已吊销');
      return p;
    }
    const session = apiKey === undefined || apiKey === '' ? sessionTokenOf(req) : undefined;
    if (session) {
      const p = await this.forToken(session, 'the session');
      // Checked once the session is known to be valid, so an ended session is told as such (401)
      // and the console can send the user to sign in again.
      if (!isSafeMethod(req.method) && !csrfMatches(session, req.headers[CSRF_HEADER]))
        throw new CsrfError(
          'this write needs the X-CSRF-Token header of the console session (the value of the lj_csrf cookie): reload the console / 该操作缺少有效的防跨站请求令牌（X-CSRF-Token），请刷新工作台后重试',
        );
      return p;
    }
    throw new UnauthorizedError(
      'sign in: send "Authorization: Bearer <token>" (POST /api/v1/auth/login), "X-Api-Key: <key>", or the console session cookie (POST /api/v1/auth/session) / 请先登录',
    );
  }

  // Whom a bearer token or a session cookie's token stands for (cached like every credential).
  private async forToken(token: string, what: 'the token' | 'the session'): Promise<Principal> {
    const key = `token:${secretHash(token)}`;
    const cached = this.cache.principals.get(key);
    if (cached) return cached;
    const generation = this.cache.principals.generation;
    const found: { expiresAt?: Date } = {};
    const p = await this.access.principalForToken(token, this.idleMinutes, found);
    if (p && p !== 'idle')
      this.cache.principals.set(key, p, [`user:${p.id}`, key], generation, found.expiresAt?.getTime());
    if (p === 'idle')
      throw new UnauthorizedError(
        `signed out after ${this.idleMinutes} minutes without use: sign in again (POST /api/v1/auth/login) / 超过 ${this.idleMinutes} 分钟未操作，已自动退出，请重新登录`,
      );
    if (!p)
      throw new UnauthorizedError(
        what === 'the token'
          ? 'the token is unknown, expired or revoked: sign in again (POST /api/v1/auth/login) / 令牌无效或已过期，请重新登录'
          : 'the session has ended (expired, signed out or revoked): sign in again / 会话已结束（过期、已退出或被撤销），请重新登录',
      );
    return p;
  }
}

function describe(p: Principal): string {
  return p.kind === 'user'
    ? `${p.username} (${ROLE_LABELS[p.role].en} ${ROLE_LABELS[p.role].zh})`
    : `API key ${p.name} of ${p.departmentCode}`;
}
