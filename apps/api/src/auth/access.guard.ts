import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '@lianjian/common';
import { AccessRepository } from '@lianjian/database';
import { ROLE_LABELS, can, secretHash, type Permission, type Principal } from '@lianjian/access';
import { AccessCache } from './access-cache';
import { ALLOW_KEY, PUBLIC_KEY, WHILE_ENROLLING_KEY, type AuthenticatedRequest } from './access.decorator';

// Authenticates every request (bearer token for people, X-Api-Key for departmental systems) and
// checks the permission its route names. Department and jurisdiction scoping happen in the services,
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
      const key = `token:${secretHash(m[1])}`;
      const cached = this.cache.principals.get(key);
      if (cached) return cached;
      const generation = this.cache.principals.generation;
      const found: { expiresAt?: Date } = {};
      const p = await this.access.principalForToken(m[1], this.idleMinutes, found);
      if (p && p !== 'idle')
        this.cache.principals.set(key, p, [`user:${p.id}`, key], generation, found.expiresAt?.getTime());
      if (p === 'idle')
        throw new UnauthorizedError(
          `signed out after ${this.idleMinutes} minutes without use: sign in again (POST /api/v1/auth/login) / 超过 ${this.idleMinutes} 分钟未操作，已自动退出，请重新登录`,
        );
      if (!p)
        throw new UnauthorizedError(
          'the token is unknown, expired or revoked: sign in again (POST /api/v1/auth/login) / 令牌无效或已过期，请重新登录',
        );
      return p;
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
    throw new UnauthorizedError(
      'sign in: send "Authorization: Bearer <token>" (POST /api/v1/auth/login) or "X-Api-Key: <key>" / 请先登录',
    );
  }
}

function describe(p: Principal): string {
  return p.kind === 'user'
    ? `${p.username} (${ROLE_LABELS[p.role].en} ${ROLE_LABELS[p.role].zh})`
    : `API key ${p.name} of ${p.departmentCode}`;
}
